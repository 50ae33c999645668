package io.pointsman.agent.importer.keepalived;

import java.util.ArrayList;
import java.util.List;

/**
 * keepalived.conf as Keepalived reads it: one keyword and its words per line; {@code {}
 * opens a block (on the keyword's line or alone on the next), {@code }} closes it; {@code #}
 * and {@code !} start comments; double quotes group words. A block left open at the end of
 * the file, or a {@code }} with nothing to close, is an error with its line. Never throws.
 */
public final class KeepalivedConfParser {
    /** The top-level lines and the problems found (each "LINE: message"). */
    public record Result(List<ConfBlock> top, List<Problem> problems) {
    }

    /** A line Keepalived would refuse or misread. */
    public record Problem(int line, String message) {
    }

    private KeepalivedConfParser() {}

    public static Result parse(String text) {
        List<Problem> problems = new ArrayList<>();
        List<Frame> stack = new ArrayList<>();
        stack.add(new Frame(null));
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            List<String> words;
            try {
                words = words(lines[i]);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(number, e.getMessage()));
                continue;
            }
            while (!words.isEmpty()) {
                String w0 = words.get(0);
                if (w0.equals("}")) {
                    if (stack.size() == 1) {
                        problems.add(new Problem(number, "'}' with no block to close"));
                    } else {
                        Frame done = stack.remove(stack.size() - 1);
                        stack.get(stack.size() - 1).children.add(done.close());
                    }
                    words = words.subList(1, words.size());
                    continue;
                }
                if (w0.equals("{")) {
                    // '{' on a line of its own opens the block of the keyword above
                    Frame top = stack.get(stack.size() - 1);
                    if (top.children.isEmpty() || top.children.get(top.children.size() - 1).block()) {
                        problems.add(new Problem(number, "'{' with no keyword before it"));
                        words = words.subList(1, words.size());
                        continue;
                    }
                    ConfBlock last = top.children.remove(top.children.size() - 1);
                    stack.add(new Frame(last));
                    words = words.subList(1, words.size());
                    continue;
                }
                int open = words.indexOf("{");
                int close = words.indexOf("}");
                int end = open >= 0 && (close < 0 || open < close) ? open : close >= 0 ? close : words.size();
                ConfBlock b = new ConfBlock(number, w0, words.subList(1, end), List.of(), false);
                if (end < words.size() && words.get(end).equals("{")) {
                    stack.add(new Frame(b));
                    words = words.subList(end + 1, words.size());
                } else {
                    stack.get(stack.size() - 1).children.add(b);
                    words = words.subList(end, words.size());
                }
            }
        }
        while (stack.size() > 1) {
            Frame open = stack.remove(stack.size() - 1);
            problems.add(new Problem(open.head.line(), "'" + open.head.keyword() + " {' is never closed"
                    + " (the file may be truncated)"));
            stack.get(stack.size() - 1).children.add(open.close());
        }
        return new Result(List.copyOf(stack.get(0).children), problems);
    }

    private static final class Frame {
        final ConfBlock head;
        final List<ConfBlock> children = new ArrayList<>();

        Frame(ConfBlock head) {
            this.head = head;
        }

        ConfBlock close() {
            return new ConfBlock(head.line(), head.keyword(), head.args(), children, true);
        }
    }

    /** Words of one line: blanks separate, quotes group, '#' or '!' outside quotes end the line, braces stand alone. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                } else {
                    w.append(c);
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == '#' || c == '!') {
                break;
            } else if (c == '{' || c == '}') {
                if (any) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
                out.add(String.valueOf(c));
            } else if (Character.isWhitespace(c)) {
                if (any) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote");
        }
        if (any) {
            out.add(w.toString());
        }
        return out;
    }
}
