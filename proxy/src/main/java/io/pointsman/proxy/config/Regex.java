package io.pointsman.proxy.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression as written, compiled once when the config is read (Java syntax,
 * close to the PCRE HAProxy uses for the common cases). Two are equal when their text
 * is: a config diff compares what the user wrote.
 */
public record Regex(String text, Pattern pattern) {

    /** @throws IllegalArgumentException with the position of the mistake */
    public static Regex parse(String text) {
        try {
            return new Regex(text, Pattern.compile(text));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regex '" + text + "': " + e.getDescription() + " near index "
                    + e.getIndex());
        }
    }

    /** The same expression matching without regard to case ({@code ignore_case}, HAProxy {@code -i}). */
    public Pattern caseInsensitive() {
        return Pattern.compile(text, Pattern.CASE_INSENSITIVE);
    }

    /** Number of capturing groups, for checking {@code \N} references. */
    public int groups() {
        return pattern.matcher("").groupCount();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Regex r && r.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
