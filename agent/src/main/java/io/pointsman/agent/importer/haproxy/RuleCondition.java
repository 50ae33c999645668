package io.pointsman.agent.importer.haproxy;

import java.util.ArrayList;
import java.util.List;

/**
 * The condition after {@code if}/{@code unless} as HAProxy's {@code parse_acl_cond()}
 * (src/acl.c) reads it: OR groups ({@code ||} or {@code or}) of AND-ed terms; a term is an
 * ACL name or an anonymous ACL in braces, {@code { path_beg /api }}; any number of
 * {@code !} before a term (attached or standalone) negates it an odd number of times.
 * As in HAProxy, empty groups ({@code a or}, {@code || a}) are dropped, and a condition
 * with no term at all never holds ({@code if}) or always holds ({@code unless}).
 *
 * @param unless {@code unless} rather than {@code if}
 * @param anyOf  the OR groups
 */
public record RuleCondition(boolean unless, List<List<Term>> anyOf) {

    /** One term: a named ACL ({@code name} set) or an anonymous one ({@code inline} set). */
    public record Term(boolean negated, String name, AclExpr inline) {
        @Override
        public String toString() {
            String body = name != null ? name : "{ " + inline.fetchText() + " … }";
            return negated ? "!" + body : body;
        }
    }

    public RuleCondition {
        List<List<Term>> copy = new ArrayList<>();
        for (List<Term> g : anyOf) {
            copy.add(List.copyOf(g));
        }
        anyOf = List.copyOf(copy);
    }

    /**
     * @param words the words from {@code if}/{@code unless} on
     * @throws IllegalArgumentException when the condition does not parse, with HAProxy-like wording
     */
    public static RuleCondition parse(List<String> words) {
        if (words.isEmpty() || !(words.get(0).equals("if") || words.get(0).equals("unless"))) {
            throw new IllegalArgumentException("expects 'if' or 'unless' followed by a condition");
        }
        boolean unless = words.get(0).equals("unless");
        List<List<Term>> groups = new ArrayList<>();
        List<Term> current = new ArrayList<>();
        boolean neg = false;
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            int bang = 0;
            while (bang < word.length() && word.charAt(bang) == '!') {
                neg = !neg;
                bang++;
            }
            word = word.substring(bang);
            if (word.isEmpty()) {
                continue;
            }
            if (word.equalsIgnoreCase("or") || word.equals("||")) {
                if (!current.isEmpty()) {
                    groups.add(current);
                    current = new ArrayList<>();
                }
                neg = false;
                continue;
            }
            if (word.equals("{")) {
                int end = i + 1;
                while (end < words.size() && !words.get(end).equals("}")) {
                    end++;
                }
                if (end >= words.size()) {
                    throw new IllegalArgumentException("missing closing '}' in condition");
                }
                AclExpr expr = AclExpr.parse(words.subList(i + 1, end));
                current.add(new Term(neg, null, expr));
                i = end;
            } else {
                current.add(new Term(neg, word, null));
            }
            neg = false;
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return new RuleCondition(unless, groups);
    }
}
