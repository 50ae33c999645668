package io.pointsman.agent.importer.haproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Splits one line of haproxy.cfg into words exactly as HAProxy's {@code parse_line()}
 * (src/tools.c) does with the options the configuration reader uses: double quotes,
 * single quotes, backslash escapes, {@code #} comments and environment variables.
 *
 * <ul>
 *   <li>Unquoted blanks separate words; {@code #} anywhere outside quotes (even inside a
 *       word: {@code a#b} is {@code a}) starts a comment.</li>
 *   <li>Inside single quotes everything is literal. Outside them a backslash escapes
 *       {@code \ }, {@code \\}, {@code \#}, {@code \'}, {@code \"}, gives {@code \t},
 *       {@code \n}, {@code \r} and {@code \xHH}, and {@code \$} inside double quotes; any
 *       other backslash is kept as it is ({@code \1} stays {@code \1}).</li>
 *   <li>There are no line continuations: a backslash at the end of a line is a literal
 *       backslash, so {@code server a 10.0.0.1:80 \} ends in a word {@code \} (HAProxy then
 *       reports an unknown keyword).</li>
 *   <li>{@code $NAME}, {@code ${NAME}}, {@code ${NAME-default}} and {@code ${NAME[*]}} (one
 *       word per blank-separated part of the value) are expanded only inside double quotes;
 *       an unset variable expands to nothing. {@code .LINE}, {@code .FILE},
 *       {@code .SECTION} are HAProxy's own.</li>
 *   <li>The input is the line's bytes as ISO-8859-1 characters (one char per byte), as the
 *       C code sees them; an escaped {@code \x00} ends the word there, as a C string does.</li>
 * </ul>
 */
public final class LineSplitter {
    /** HAProxy's MAX_LINE_ARGS. */
    public static final int MAX_WORDS = 64;

    /**
     * @param words   the words, up to the first empty one (HAProxy's keyword parsers stop at
     *                an empty word, so {@code a "" b} is {@code a}); null on error
     * @param error   what is wrong, as HAProxy says it; null when fine
     * @param column  1-based position of the error in the line
     * @param envUsed the variables expanded, in order
     */
    public record Result(List<String> words, String error, int column, List<String> envUsed) {
        public boolean ok() {
            return error == null;
        }
    }

    /** What {@code .LINE}, {@code .FILE} and {@code .SECTION} expand to. */
    public record Context(int line, String file, String section) {
    }

    private LineSplitter() {}

    public static Result split(String line, UnaryOperator<String> env, Context context) {
        List<String> words = new ArrayList<>();
        List<String> envUsed = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean squote = false;
        boolean dquote = false;
        int quoteAt = -1;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\n' || c == '\r') {
                break;
            }
            if (c == '#' && !squote && !dquote) {
                break;
            }
            if (c == '"' && !squote) {
                dquote = !dquote;
                quoteAt = dquote ? i : -1;
                i++;
                continue;
            }
            if (c == '\'' && !dquote) {
                squote = !squote;
                quoteAt = squote ? i : -1;
                i++;
                continue;
            }
            if (c == '\\' && !squote) {
                char next = i + 1 < n ? line.charAt(i + 1) : '\0';
                switch (next) {
                    case ' ', '\\', '#', '\'', '"' -> {
                        word.append(next);
                        i += 2;
                    }
                    case 't' -> {
                        word.append('\t');
                        i += 2;
                    }
                    case 'n' -> {
                        word.append('\n');
                        i += 2;
                    }
                    case 'r' -> {
                        word.append('\r');
                        i += 2;
                    }
                    case '$' -> {
                        if (dquote) {
                            word.append('$');
                            i += 2;
                        } else {
                            word.append('\\');
                            i++;
                        }
                    }
                    case 'x' -> {
                        if (i + 3 >= n + 0 || !hex(charAt(line, i + 2)) || !hex(charAt(line, i + 3))) {
                            return error("truncated or invalid hexadecimal sequence", i);
                        }
                        word.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
                        i += 4;
                    }
                    default -> {
                        word.append('\\');
                        i++;
                    }
                }
                continue;
            }
            if (blank(c) && !squote && !dquote) {
                while (i < n && blank(line.charAt(i))) {
                    i++;
                }
                words.add(word.toString());
                word.setLength(0);
                continue;
            }
            if (c == '$' && dquote) {
                i++;
                int brace = -1;
                if (i < n && line.charAt(i) == '{') {
                    brace = i - 1;
                    i++;
                }
                char first = charAt(line, i);
                if (!Character.isLetter(first) && first != '_' && first != '.' || first > 127) {
                    return error("forbidden first char in environment variable name", i);
                }
                int start = i;
                if (first == '.') {
                    i++;
                }
                while (i < n && (isAlnum(line.charAt(i)) || line.charAt(i) == '_')) {
                    i++;
                }
                String name = line.substring(start, i);
                String value;
                if (name.startsWith(".")) {
                    value = switch (name) {
                        case ".LINE" -> Integer.toString(context.line());
                        case ".FILE" -> context.file();
                        case ".SECTION" -> context.section() == null ? "" : context.section();
                        default -> null;
                    };
                    if (value == null) {
                        return error("forbidden first char in environment variable name", start);
                    }
                } else {
                    value = env.apply(name);
                    envUsed.add(name);
                }
                boolean expandWords = false;
                if (i < n && line.charAt(i) == '[' && brace >= 0) {
                    if (!line.startsWith("[*]", i)) {
                        return error("truncated or invalid word expansion sequence", i);
                    }
                    expandWords = true;
                    i += 3;
                }
                if (brace >= 0) {
                    if (i < n && line.charAt(i) == '-') {
                        int end = line.indexOf('}', i);
                        if (end < 0) {
                            return error("unmatched brace in environment variable name", brace);
                        }
                        if (value == null) {
                            value = line.substring(i + 1, end);
                        }
                        i = end;
                    } else if (i >= n || line.charAt(i) != '}') {
                        return error("unmatched brace in environment variable name", brace);
                    }
                    i++;
                }
                if (value != null) {
                    appendValue(value, expandWords, word, words);
                }
                continue;
            }
            word.append(c);
            i++;
        }
        if (quoteAt >= 0) {
            return error("unmatched quote", quoteAt);
        }
        words.add(word.toString());
        List<String> out = new ArrayList<>();
        for (String w : words) {
            int nul = w.indexOf('\0');
            String cut = nul >= 0 ? w.substring(0, nul) : w;
            if (cut.isEmpty()) {
                break;
            }
            out.add(cut);
        }
        if (words.size() > MAX_WORDS) {
            return error("too many words (more than " + MAX_WORDS + ")", 0);
        }
        return new Result(List.copyOf(out), null, 0, List.copyOf(envUsed));
    }

    private static void appendValue(String value, boolean expandWords, StringBuilder word, List<String> words) {
        if (!expandWords) {
            word.append(value);
            return;
        }
        int j = 0;
        while (j < value.length()) {
            char v = value.charAt(j);
            if (blank(v)) {
                words.add(word.toString());
                word.setLength(0);
                while (j < value.length() && blank(value.charAt(j))) {
                    j++;
                }
                continue;
            }
            word.append(v);
            j++;
        }
    }

    private static Result error(String message, int index) {
        return new Result(null, message, index + 1, List.of());
    }

    private static char charAt(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    /** C's isspace() in the C locale. */
    static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    private static boolean isAlnum(char c) {
        return c < 128 && Character.isLetterOrDigit(c);
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
