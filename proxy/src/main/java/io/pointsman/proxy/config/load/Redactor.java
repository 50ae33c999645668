package io.pointsman.proxy.config.load;

import java.util.Comparator;
import java.util.List;

/** Replaces resolved secret values with {@code <redacted>} in any text about to be shown. */
public final class Redactor {
    public static final String REDACTED = "<redacted>";
    public static final Redactor NONE = new Redactor(List.of());

    private final List<String> secrets;

    public Redactor(List<String> secrets) {
        // Longest first, so a secret that contains another is replaced whole.
        this.secrets = secrets.stream().filter(s -> s != null && !s.isEmpty())
                .distinct().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, REDACTED);
        }
        return out;
    }
}
