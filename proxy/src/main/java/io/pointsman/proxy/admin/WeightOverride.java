package io.pointsman.proxy.admin;

/**
 * A runtime weight, as HAProxy's {@code set weight}: absolute ({@code 0}–{@code 256}) or
 * relative to the weight in git ({@code 50%}; the result is capped at 256).
 */
public record WeightOverride(int value, boolean percent) {
    public static final int MAX_WEIGHT = 256;

    public WeightOverride {
        if (value < 0 || (!percent && value > MAX_WEIGHT)) {
            throw new IllegalArgumentException("weight must be 0-" + MAX_WEIGHT + " or N%, not " + value);
        }
    }

    /** {@code 20} or {@code 50%}. @throws IllegalArgumentException saying what is accepted */
    public static WeightOverride parse(String text) {
        String t = text == null ? "" : text.strip();
        boolean percent = t.endsWith("%");
        String digits = percent ? t.substring(0, t.length() - 1) : t;
        if (!digits.matches("\\d{1,6}")) {
            throw new IllegalArgumentException("weight must be a number 0-256 or a percentage such as 50%, not '" + text + "'");
        }
        int v = Integer.parseInt(digits);
        if (percent ? v > 100_000 : v > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + t + " out of range (0-256, or N% of the weight in git)");
        }
        return new WeightOverride(v, percent);
    }

    /** The weight to use for a server whose config says {@code configured}. */
    public int apply(int configured) {
        if (!percent) {
            return value;
        }
        return (int) Math.min(MAX_WEIGHT, (long) configured * value / 100);
    }

    @Override
    public String toString() {
        return percent ? value + "%" : Integer.toString(value);
    }
}
