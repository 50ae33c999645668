package io.pointsman.agent.importer.translate;

import io.pointsman.proxy.config.Durations;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HAProxy's value formats: times ({@code 5000}, {@code 5s}), integers. */
final class HaproxyValues {
    private static final Pattern TIME = Pattern.compile("(\\d{1,12})(us|ms|s|m|h|d)?");

    private HaproxyValues() {}

    /**
     * A time as HAProxy reads it, milliseconds when no unit is given ({@code 5000} is 5 s).
     *
     * @throws IllegalArgumentException when it is not one
     */
    static Duration time(String text) {
        Matcher m = TIME.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a time (a number, optionally followed by us, ms, s, m, h or d)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "us" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A duration as proxy.yaml writes it: {@code 5s}, {@code 1m30s}, {@code 250ms}. */
    static String duration(Duration d) {
        return Durations.format(d);
    }

    /** A non-negative integer, or null when the text is not one. */
    static Integer integer(String text) {
        if (text == null || !text.matches("\\d{1,9}")) {
            return null;
        }
        return Integer.parseInt(text);
    }
}
