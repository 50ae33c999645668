package io.pointsman.agent.importer.haproxy;

import java.util.ArrayList;
import java.util.List;

/**
 * An ACL expression as HAProxy's {@code parse_acl_expr()} (src/acl.c) reads it:
 * {@code FETCH[(ARGS)][,CONVERTER...] [-i] [-m METHOD] [-f FILE] [-n] [-M] [-u ID] [--] [VALUE...]}.
 * Flags come before the values; {@code --} ends them; integer fetches take an operator
 * ({@code eq}, {@code ge}, {@code gt}, {@code le}, {@code lt}) before a value.
 *
 * @param fetch      the fetch or ACL keyword, e.g. {@code hdr_beg}, {@code req.ssl_sni}, {@code path}
 * @param args       its arguments, e.g. {@code [host]} for {@code hdr(host)}
 * @param converters converters after it ({@code lower}, {@code field(1,:)}), as written
 * @param method     the {@code -m} match method, or null
 * @param ignoreCase {@code -i}
 * @param files      {@code -f} pattern files
 * @param values     the patterns, in order (operators included)
 */
public record AclExpr(String fetch, List<String> args, List<String> converters, String method, boolean ignoreCase,
        List<String> files, List<String> values) {

    public AclExpr {
        args = List.copyOf(args);
        converters = List.copyOf(converters);
        files = List.copyOf(files);
        values = List.copyOf(values);
    }

    /** The fetch as written, with arguments: {@code hdr(host)}. */
    public String fetchText() {
        return args.isEmpty() ? fetch : fetch + "(" + String.join(",", args) + ")";
    }

    /**
     * @param words the expression's words, from the fetch on
     * @throws IllegalArgumentException with HAProxy-like wording
     */
    public static AclExpr parse(List<String> words) {
        if (words.isEmpty() || words.get(0).isEmpty()) {
            throw new IllegalArgumentException("missing fetch method in ACL expression");
        }
        String first = words.get(0);
        int i = 0;
        while (i < first.length() && idChar(first.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("unknown fetch method '" + first + "' in ACL expression");
        }
        String fetch = first.substring(0, i);
        List<String> args = new ArrayList<>();
        if (i < first.length() && first.charAt(i) == '(') {
            int close = first.indexOf(')', i);
            if (close < 0) {
                throw new IllegalArgumentException("missing closing ')' after arguments to '" + fetch + "'");
            }
            String inside = first.substring(i + 1, close);
            if (!inside.isEmpty()) {
                for (String a : inside.split(",", -1)) {
                    args.add(a);
                }
            }
            i = close + 1;
        }
        List<String> converters = new ArrayList<>();
        String rest = first.substring(i);
        if (!rest.isEmpty()) {
            if (rest.charAt(0) != ',') {
                throw new IllegalArgumentException("missing comma after fetch keyword '" + fetch + "'");
            }
            for (String c : splitConverters(rest.substring(1))) {
                if (!c.isEmpty()) {
                    converters.add(c);
                }
            }
        }
        String method = null;
        boolean icase = false;
        List<String> files = new ArrayList<>();
        int w = 1;
        while (w < words.size() && words.get(w).startsWith("-")) {
            String f = words.get(w);
            switch (f) {
                case "-i" -> icase = true;
                case "-n", "-M" -> { }
                case "-u" -> {
                    w++;
                    if (w >= words.size() || !words.get(w).matches("-?\\d{1,9}")) {
                        throw new IllegalArgumentException("the argument of -u must be an integer");
                    }
                }
                case "-f" -> {
                    w++;
                    if (w >= words.size()) {
                        throw new IllegalArgumentException("'-f' needs a file name");
                    }
                    files.add(words.get(w));
                }
                case "-m" -> {
                    if (!files.isEmpty()) {
                        throw new IllegalArgumentException("'-m' must only be specified before patterns and files");
                    }
                    w++;
                    if (w >= words.size()) {
                        throw new IllegalArgumentException("'-m' needs a match method");
                    }
                    method = words.get(w);
                    if (!MatchMethod.isKnown(method)) {
                        throw new IllegalArgumentException("unknown matching method '" + method + "'");
                    }
                }
                case "--" -> {
                    w++;
                    return new AclExpr(fetch, args, converters, method, icase, files, words.subList(w, words.size()));
                }
                default -> throw new IllegalArgumentException("'" + f + "' is not a valid ACL option. Please use '--'"
                        + " before any pattern beginning with a '-'");
            }
            w++;
        }
        return new AclExpr(fetch, args, converters, method, icase, files, words.subList(w, words.size()));
    }

    /** Splits {@code lower,field(1,:)} at the commas outside parentheses. */
    private static List<String> splitConverters(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /** HAProxy's is_idchar(): what a fetch or converter name is made of. */
    static boolean idChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == '-';
    }

    /** The match methods {@code -m} accepts. */
    public static final class MatchMethod {
        private static final List<String> KNOWN = List.of("found", "bool", "int", "ip", "bin", "len", "str", "sub",
                "reg", "beg", "end", "dir", "dom");

        private MatchMethod() {}

        public static boolean isKnown(String m) {
            return KNOWN.contains(m);
        }
    }
}
