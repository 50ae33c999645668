package io.pointsman.proxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A text with {@code %[…]} variables, as HAProxy's log-format strings in
 * {@code http-request set-header} and friends: parsed once, when the config is read,
 * into literal and variable segments. {@code %%} is a literal {@code %}. As in HAProxy,
 * a {@code %} followed by a digit, a space or a tab, or ending the text, is an error;
 * followed by another character that is not a letter, {@code [} or <code>{</code> it is
 * taken literally. HAProxy's {@code %ci}-style log variables, {@code %{…}} modifiers and
 * converters ({@code %[path,lower]}) are not supported: an error names them.
 *
 * <p>A {@link #parseReplacement replacement} (the {@code with} of {@code replace_*}) also
 * takes {@code \1}…{@code \9} (a group of the regex; an unmatched group is empty),
 * {@code \xHH} (that byte) and {@code \c} (the character c, so {@code \\} is a
 * backslash). Unlike HAProxy, back-references are found when the config is read, so a
 * variable's value is never read as one.
 *
 * @param text     as written
 * @param segments literal texts, variables and group references, in order
 */
public record Template(String text, List<Segment> segments) {

    /** A piece of a template. */
    public sealed interface Segment {
    }

    /** Text copied as is. */
    public record Literal(String text) implements Segment {
    }

    /** {@code %[name]} or {@code %[name(arg)]}; {@code arg} null when none. */
    public record Var(Variable variable, String arg) implements Segment {
    }

    /** {@code \N}: group N of the regex a replacement follows. */
    public record Group(int number) implements Segment {
    }

    public Template {
        segments = List.copyOf(segments);
    }

    /** @throws IllegalArgumentException naming the mistake (unknown variable, bad {@code %}) */
    public static Template parse(String text) {
        return new Template(text, segments(text, false));
    }

    /** A template that may also hold {@code \N}, {@code \xHH} and {@code \c}. */
    public static Template parseReplacement(String text) {
        return new Template(text, segments(text, true));
    }

    /** No variables and no groups: the same text every time. */
    public boolean constant() {
        return segments.stream().allMatch(s -> s instanceof Literal);
    }

    /** Every variable used. */
    public List<Var> variables() {
        List<Var> out = new ArrayList<>();
        for (Segment s : segments) {
            if (s instanceof Var v) {
                out.add(v);
            }
        }
        return out;
    }

    /** The highest group referred to, 0 when none. */
    public int highestGroup() {
        int max = 0;
        for (Segment s : segments) {
            if (s instanceof Group g) {
                max = Math.max(max, g.number());
            }
        }
        return max;
    }

    private static List<Segment> segments(String text, boolean replacement) {
        List<Segment> out = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\\' && replacement) {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException("'" + text + "' ends with a lone '\\' (write '\\\\' for a backslash)");
                }
                char next = text.charAt(i + 1);
                if (next >= '0' && next <= '9') {
                    flush(literal, out);
                    out.add(new Group(next - '0'));
                    i += 2;
                } else if (next == 'x') {
                    int hi = i + 2 < n ? Character.digit(text.charAt(i + 2), 16) : -1;
                    int lo = i + 3 < n ? Character.digit(text.charAt(i + 3), 16) : -1;
                    if (hi < 0 || lo < 0) {
                        throw new IllegalArgumentException("'" + text + "': '\\x' needs two hex digits");
                    }
                    literal.append((char) (hi * 16 + lo));
                    i += 4;
                } else {
                    literal.append(next);
                    i += 2;
                }
                continue;
            }
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 >= n) {
                throw new IllegalArgumentException("'" + text + "' ends with a lone '%' (write '%%' for a percent sign)");
            }
            char next = text.charAt(i + 1);
            if (next == '%') {
                literal.append('%');
                i += 2;
            } else if (next == '[') {
                int close = text.indexOf(']', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("'" + text + "': missing ']' after '%['");
                }
                flush(literal, out);
                out.add(variable(text, text.substring(i + 2, close)));
                i = close + 1;
            } else if (Character.isDigit(next) || next == ' ' || next == '\t') {
                throw new IllegalArgumentException("'" + text + "': '%' followed by '" + next
                        + "' (write '%%' for a percent sign)");
            } else if (next == '{') {
                throw new IllegalArgumentException("'" + text + "': %{...} modifiers are not supported");
            } else if (Character.isLetter(next)) {
                int end = i + 1;
                while (end < n && Character.isLetterOrDigit(text.charAt(end))) {
                    end++;
                }
                throw new IllegalArgumentException("'" + text + "': '" + text.substring(i, end)
                        + "' is an HAProxy log variable, not supported here; use %[...] (known: " + Variable.known()
                        + "), or '%%' for a percent sign");
            } else {
                literal.append('%');
                i++;
            }
        }
        flush(literal, out);
        return out;
    }

    private static void flush(StringBuilder literal, List<Segment> out) {
        if (literal.length() > 0) {
            out.add(new Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    private static Var variable(String text, String expr) {
        // A comma outside the parentheses starts a converter (%[path,lower]).
        if (expr.indexOf(',', Math.max(0, expr.lastIndexOf(')'))) >= 0) {
            throw new IllegalArgumentException("'" + text + "': converters such as '%[" + expr
                    + "]' are not supported");
        }
        String name = expr;
        String arg = null;
        int open = expr.indexOf('(');
        if (open >= 0) {
            if (!expr.endsWith(")")) {
                throw new IllegalArgumentException("'" + text + "': '%[" + expr + "]' has no closing ')'");
            }
            name = expr.substring(0, open);
            arg = expr.substring(open + 1, expr.length() - 1).trim();
        }
        Variable v = Variable.of(name.trim());
        if (v == null) {
            throw new IllegalArgumentException("'" + text + "': unknown variable %[" + expr + "] (known: "
                    + Variable.known() + ")");
        }
        if (arg != null && arg.isEmpty()) {
            arg = null;
        }
        if (arg == null && v.arg() == Variable.Arg.REQUIRED) {
            throw new IllegalArgumentException("'" + text + "': %[" + v.key() + "(NAME)] needs a name");
        }
        if (arg != null && v.arg() == Variable.Arg.NONE) {
            throw new IllegalArgumentException("'" + text + "': %[" + v.key() + "] takes no argument");
        }
        if (arg != null && arg.indexOf(',') >= 0) {
            throw new IllegalArgumentException("'" + text + "': %[" + expr + "]: occurrence and format arguments are"
                    + " not supported");
        }
        return new Var(v, arg);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Template t && t.text.equals(text);
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
