package io.pointsman.agent.importer.haproxy;

import java.util.List;

/**
 * One keyword line of haproxy.cfg after HAProxy's quoting, escaping and variable rules
 * ({@link LineSplitter}).
 *
 * @param number   1-based line number in the file
 * @param words    the words; a leading {@code no} or {@code default} is removed and kept in
 *                 {@code modifier}
 * @param modifier {@code no}, {@code default} or null
 * @param text     the line as written (without its newline), for messages
 * @param envUsed  environment variables the line expanded
 */
public record CfgLine(int number, List<String> words, String modifier, String text, List<String> envUsed) {

    public CfgLine {
        words = List.copyOf(words);
        envUsed = List.copyOf(envUsed);
    }

    /** The first word. */
    public String keyword() {
        return words.get(0);
    }

    /** Word {@code i}, or null past the end. */
    public String word(int i) {
        return i < words.size() ? words.get(i) : null;
    }

    public int size() {
        return words.size();
    }

    public boolean negated() {
        return "no".equals(modifier);
    }

    /** How the keyword reads in the report: {@code option httpchk}, {@code timeout client}, {@code server}. */
    public String label() {
        String k = keyword();
        String prefix = modifier == null ? "" : modifier + " ";
        if (KeywordCatalog.TWO_WORD.contains(k) && words.size() > 1) {
            return prefix + k + " " + words.get(1);
        }
        return prefix + k;
    }

    /** The words from {@code from} on, joined by one space. */
    public String rest(int from) {
        return from >= words.size() ? "" : String.join(" ", words.subList(from, words.size()));
    }
}
