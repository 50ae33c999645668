package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.RuleCondition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An HAProxy {@code if}/{@code unless} condition as a proxy.yaml condition: OR groups of
 * AND-ed (possibly negated) acl names. An acl that became several proxy.yaml acls is their
 * OR ({@code a} → {@code a || a-2}; {@code !a} → {@code !a !a-2}); constants (TRUE, an acl
 * with no pattern) are folded away. {@code unless} stays {@code unless}.
 */
final class ConditionTranslator {
    /** At most this many OR groups after expansion. */
    private static final int MAX_GROUPS = 64;

    /**
     * The outcome: {@code text} for the proxy.yaml condition with {@code unless} saying
     * which key; {@code always} true/false when the condition folded to a constant (the rule
     * always or never applies); {@code failure} when it cannot be expressed.
     */
    record Result(String text, boolean unless, Boolean always, String failure) {
    }

    private ConditionTranslator() {}

    static Result translate(RuleCondition cond, AclBook book, CfgLine line) {
        // The condition as OR groups of literals; null groups list = "true".
        List<Set<String>> groups = new ArrayList<>();
        for (List<RuleCondition.Term> g : cond.anyOf()) {
            List<Set<String>> partial = new ArrayList<>();
            partial.add(new LinkedHashSet<>());
            boolean dead = false;
            for (RuleCondition.Term t : g) {
                AclBook.Resolution r = t.name() != null ? book.resolve(t.name()) : book.inline(t.inline(), line);
                if (r.failure() != null) {
                    return new Result(null, false, null, r.failure());
                }
                if (r.constant() != null) {
                    if (r.constant() == t.negated()) {
                        dead = true;
                        break;
                    }
                    continue;
                }
                if (t.negated()) {
                    for (Set<String> p : partial) {
                        for (String n : r.names()) {
                            p.add("!" + n);
                        }
                    }
                } else {
                    List<Set<String>> next = new ArrayList<>();
                    for (Set<String> p : partial) {
                        for (String n : r.names()) {
                            Set<String> q = new LinkedHashSet<>(p);
                            q.add(n);
                            next.add(q);
                        }
                    }
                    partial = next;
                }
                if (partial.size() > MAX_GROUPS) {
                    return new Result(null, false, null, "the condition grows past " + MAX_GROUPS + " OR groups when"
                            + " its acls are spelled out");
                }
            }
            if (dead) {
                continue;
            }
            for (Set<String> p : partial) {
                if (p.isEmpty()) {
                    // a group that always holds: the whole condition always holds
                    return new Result(null, cond.unless(), !cond.unless(), null);
                }
            }
            groups.addAll(partial);
            if (groups.size() > MAX_GROUPS) {
                return new Result(null, false, null, "the condition has more than " + MAX_GROUPS + " OR groups");
            }
        }
        if (groups.isEmpty()) {
            // never holds
            return new Result(null, cond.unless(), cond.unless(), null);
        }
        List<String> texts = new ArrayList<>();
        for (Set<String> g : groups) {
            texts.add(String.join(" ", g));
        }
        return new Result(String.join(" || ", texts), cond.unless(), null, null);
    }
}
