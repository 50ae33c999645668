package io.pointsman.agent.importer.haproxy;

/**
 * Something the parser has to say about a line.
 *
 * @param line    1-based line number (0 = the file as a whole)
 * @param keyword the keyword concerned, or an empty string
 * @param kind    {@link Kind#ERROR}: HAProxy refuses the file for it; {@link Kind#IGNORED}:
 *                HAProxy ignores the line (and warns), so the import ignores it too;
 *                {@link Kind#NOTE}: worth knowing, nothing lost
 */
public record ParseFinding(int line, String keyword, Kind kind, String message) {
    public enum Kind { ERROR, IGNORED, NOTE }
}
