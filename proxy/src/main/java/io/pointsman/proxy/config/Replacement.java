package io.pointsman.proxy.config;

/**
 * The {@code with} of {@code replace_header} and {@code replace_path}: a {@link Template}
 * that may refer to the regex's groups ({@code \1}). Read with
 * {@link Template#parseReplacement}.
 */
public record Replacement(Template template) {

    public static Replacement parse(String text) {
        return new Replacement(Template.parseReplacement(text));
    }

    @Override
    public String toString() {
        return template.text();
    }
}
