package io.pointsman.proxy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An HAProxy condition: {@code a !b || c} — names separated by spaces are AND-ed,
 * {@code ||} or {@code or} separates OR groups, {@code !} negates one name.
 * Held as OR groups of AND-ed terms.
 */
public record Condition(List<List<Term>> anyOf) {

    /** One ACL reference, possibly negated. */
    public record Term(String acl, boolean negated) {
        @Override
        public String toString() {
            return negated ? "!" + acl : acl;
        }
    }

    public Condition {
        List<List<Term>> copy = new ArrayList<>();
        for (List<Term> group : anyOf) {
            copy.add(List.copyOf(group));
        }
        anyOf = List.copyOf(copy);
    }

    public static Condition parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty condition");
        }
        List<List<Term>> groups = new ArrayList<>();
        List<Term> current = new ArrayList<>();
        for (String token : text.trim().split("\\s+")) {
            if (token.equals("||") || token.equalsIgnoreCase("or")) {
                if (current.isEmpty()) {
                    throw new IllegalArgumentException("bad condition '" + text + "': '" + token + "' needs an ACL name on each side");
                }
                groups.add(current);
                current = new ArrayList<>();
                continue;
            }
            boolean negated = false;
            String name = token;
            while (name.startsWith("!")) {
                negated = !negated;
                name = name.substring(1);
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("bad condition '" + text + "': '!' must be followed by an ACL name");
            }
            if (!name.matches("[A-Za-z0-9_.:-]+")) {
                throw new IllegalArgumentException("bad condition '" + text + "': '" + name
                        + "' is not an ACL name (inline ACLs such as { ... } are not supported; declare the acl)");
            }
            current.add(new Term(name, negated));
        }
        if (current.isEmpty()) {
            throw new IllegalArgumentException("bad condition '" + text + "': ends with an operator");
        }
        groups.add(current);
        return new Condition(groups);
    }

    /** Every ACL name the condition refers to. */
    public Set<String> aclNames() {
        Set<String> names = new TreeSet<>();
        for (List<Term> g : anyOf) {
            for (Term t : g) {
                names.add(t.acl());
            }
        }
        return names;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < anyOf.size(); i++) {
            if (i > 0) {
                sb.append(" || ");
            }
            List<Term> g = anyOf.get(i);
            for (int j = 0; j < g.size(); j++) {
                if (j > 0) {
                    sb.append(' ');
                }
                sb.append(g.get(j));
            }
        }
        return sb.toString();
    }
}
