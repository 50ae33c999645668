package io.pointsman.agent.importer.haproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The expression of a {@code .if}/{@code .elif} line (HAProxy 2.4+, src/cfgcond.c):
 * numbers (non-zero is true), {@code !}, parentheses, {@code &&}, {@code ||} and the
 * predicates {@code defined(VAR)}, {@code streq(a,b)}, {@code strneq(a,b)},
 * {@code version_atleast(v)}, {@code version_before(v)}. Versions compare against
 * {@link #ASSUMED_VERSION}: the importer reads a config as the HAProxy it is compared with
 * would. {@code feature()} and the TLS-library predicates depend on how the target HAProxy
 * was built, which the importer cannot know: they are errors.
 */
final class CfgCondition {
    static final String ASSUMED_VERSION = "2.6";

    private final String text;
    private final UnaryOperator<String> env;
    private int at;

    private CfgCondition(String text, UnaryOperator<String> env) {
        this.text = text;
        this.env = env;
    }

    /** @throws IllegalArgumentException with HAProxy-like wording when it cannot be evaluated */
    static boolean evaluate(String text, UnaryOperator<String> env) {
        CfgCondition c = new CfgCondition(text, env);
        boolean v = c.expr(0);
        c.blanks();
        if (c.at < text.length()) {
            throw new IllegalArgumentException("unparsable conditional expression '" + text.substring(c.at) + "'");
        }
        return v;
    }

    private boolean expr(int depth) {
        if (depth > 32) {
            throw new IllegalArgumentException("conditional expression nested too deeply");
        }
        boolean v = and(depth);
        while (true) {
            blanks();
            if (text.startsWith("||", at)) {
                at += 2;
                boolean r = and(depth);
                v = v || r;
            } else {
                return v;
            }
        }
    }

    private boolean and(int depth) {
        boolean v = term(depth);
        while (true) {
            blanks();
            if (text.startsWith("&&", at)) {
                at += 2;
                boolean r = term(depth);
                v = v && r;
            } else {
                return v;
            }
        }
    }

    private boolean term(int depth) {
        blanks();
        boolean neg = false;
        while (at < text.length() && text.charAt(at) == '!') {
            neg = !neg;
            at++;
            blanks();
        }
        if (at >= text.length()) {
            throw new IllegalArgumentException("empty conditional expression");
        }
        char c = text.charAt(at);
        boolean v;
        if (Character.isDigit(c) || c == '-' || c == '+') {
            int start = at;
            at++;
            while (at < text.length() && Character.isLetterOrDigit(text.charAt(at))) {
                at++;
            }
            String num = text.substring(start, at);
            try {
                v = Long.decode(num) != 0;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("unparsable conditional expression '" + num + "'");
            }
        } else if (c == '(') {
            at++;
            v = expr(depth + 1);
            blanks();
            if (at >= text.length() || text.charAt(at) != ')') {
                throw new IllegalArgumentException("expected ')' after conditional expression");
            }
            at++;
        } else {
            v = predicate();
        }
        return neg != v;
    }

    private boolean predicate() {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
            at++;
        }
        String name = text.substring(start, at);
        List<String> args = args(name);
        return switch (name) {
            case "defined" -> {
                arity(name, args, 1);
                yield env.apply(args.get(0)) != null;
            }
            case "streq" -> {
                arity(name, args, 2);
                yield args.get(0).equals(args.get(1));
            }
            case "strneq" -> {
                arity(name, args, 2);
                yield !args.get(0).equals(args.get(1));
            }
            case "version_atleast" -> {
                arity(name, args, 1);
                yield compareVersions(ASSUMED_VERSION, args.get(0)) >= 0;
            }
            case "version_before" -> {
                arity(name, args, 1);
                yield compareVersions(ASSUMED_VERSION, args.get(0)) < 0;
            }
            case "feature", "openssl_version_atleast", "openssl_version_before", "ssllib_name_startswith" ->
                    throw new IllegalArgumentException("'" + name + "()' depends on how the target HAProxy was built,"
                            + " which the importer cannot know: resolve this .if by hand");
            default -> throw new IllegalArgumentException("unparsable conditional expression '" + text.substring(start) + "'");
        };
    }

    private List<String> args(String name) {
        if (at >= text.length() || text.charAt(at) != '(') {
            throw new IllegalArgumentException("missing '(' after predicate '" + name + "'");
        }
        int close = text.indexOf(')', at);
        if (close < 0) {
            throw new IllegalArgumentException("missing ')' after the arguments of predicate '" + name + "'");
        }
        String inside = text.substring(at + 1, close);
        at = close + 1;
        List<String> out = new ArrayList<>();
        if (!inside.isBlank()) {
            for (String a : inside.split(",", -1)) {
                out.add(a.trim());
            }
        }
        return out;
    }

    private static void arity(String name, List<String> args, int n) {
        if (args.size() != n) {
            throw new IllegalArgumentException("predicate '" + name + "' takes " + n + " argument" + (n == 1 ? "" : "s"));
        }
    }

    /** Dotted numeric versions, HAProxy style: {@code 2.6} < {@code 2.6.1} < {@code 2.10}. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[^0-9]+");
        String[] y = b.split("[^0-9]+");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? number(x[i]) : 0;
            long q = i < y.length ? number(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static long number(String digits) {
        if (digits.isEmpty()) {
            return 0;
        }
        if (digits.length() > 9) {
            throw new IllegalArgumentException("version number too large: " + digits);
        }
        return Long.parseLong(digits);
    }

    private void blanks() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
    }
}
