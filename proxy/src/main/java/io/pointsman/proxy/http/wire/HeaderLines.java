package io.pointsman.proxy.http.wire;

/**
 * The header lines of a received head, as {@link HeaderEdits} sees them: an index per
 * line, names compared without allocating. {@link RequestHead} and {@link ResponseHead}
 * implement it.
 */
interface HeaderLines {
    /** Number of lines. */
    int lineCount();

    /** Whether line {@code i}'s name is {@code lowerName} (ASCII, case-insensitive). */
    boolean nameIs(int i, String lowerName);

    /** Line {@code i}'s name as sent. */
    String lineName(int i);

    /** Line {@code i}'s value, without surrounding whitespace. */
    String lineValue(int i);
}
