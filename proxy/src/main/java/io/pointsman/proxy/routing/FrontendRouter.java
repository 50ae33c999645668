package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Condition;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.UseBackend;
import io.pointsman.proxy.limits.FrontendLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compiled, immutable routing table of one frontend: its acls as
 * {@link AclMatcher}s and its {@code use_backend} rules as index arrays.
 *
 * <p>{@link #route} runs on the event loop for every connection (tcp) or request (http),
 * so it allocates nothing of its own and its cost must not grow with the number of
 * customers:
 * <ul>
 *   <li>a run of {@value #MIN_INDEXED_RUN} or more consecutive rules whose conditions are
 *       single positive acls of an indexable matcher (the "acl + rule per customer" shape)
 *       is compiled into one {@link RuleIndex}, which returns the first rule of the run
 *       that matches with one trie walk or map look-up per fact — the same rule a linear
 *       walk would pick;</li>
 *   <li>other rules are evaluated in order; an acl that several terms refer to is
 *       evaluated at most once per decision (lazily, when a rule needs it), its result
 *       kept in two {@code long} bit sets on the stack for the first 64 such acls, and an
 *       acl referred to once is simply evaluated when reached.</li>
 * </ul>
 * Immutable once {@link #compile} returns, and thread-safe when published safely (a
 * generation is published through a volatile write): some matchers build their tries
 * in {@link AclMatcher#prepare()} during compile rather than in their constructors.
 */
public final class FrontendRouter {
    /** Shorter runs are cheaper to walk than to index (the index reads every fact of its kinds). */
    static final int MIN_INDEXED_RUN = 4;
    private static final int STACK_ACLS = 64;
    /** {@link #slot} of an acl that one term refers to: evaluated when reached, never cached. */
    private static final int UNCACHED = -1;

    private final String name;
    private final AclSet aclSet;
    private final AclMatcher[] acls;
    /** Per acl: its cache slot (0–63 in the bit sets, 64+ in a per-decision array), or {@link #UNCACHED}. */
    private final int[] slot;
    /** Cache slots past the 64 of the bit sets; non-zero only with more than 64 shared acls. */
    private final int extraSlots;
    private final Rule[] rules;
    private final String defaultBackend;
    private final boolean usesSni;
    private final boolean usesHttpFacts;

    /**
     * One {@code use_backend}: {@code groups[g][t]} is an acl index, bit-inverted
     * ({@code ~index}) when the term is negated. {@code null} groups = no condition.
     * The first rule of an indexed run carries the run's {@code index} and length; its
     * own {@code groups} are then not read (nor are the other rules' of the run).
     */
    private record Rule(String backend, int[][] groups, boolean unless, RuleIndex index, int runLength) {
    }

    private FrontendRouter(String name, AclSet aclSet, int[] slot, int extraSlots, Rule[] rules,
                           String defaultBackend, boolean usesSni, boolean usesHttpFacts) {
        this.name = name;
        this.aclSet = aclSet;
        this.acls = aclSet.matchers;
        this.slot = slot;
        this.extraSlots = extraSlots;
        this.rules = rules;
        this.defaultBackend = defaultBackend;
        this.usesSni = usesSni;
        this.usesHttpFacts = usesHttpFacts;
    }

    /**
     * Compiles a validated, normalized frontend.
     *
     * @throws InvalidRouteException when an acl has no single matcher or a bad value, or a
     *                               condition names an acl the frontend does not declare
     */
    public static FrontendRouter compile(Frontend frontend) {
        return compile(frontend, FrontendLimits.NONE, MIN_INDEXED_RUN);
    }

    /**
     * As {@link #compile(Frontend)}, with the frontend's limits for its {@code over_limit}
     * acls (the generation's, from {@code LimitRegistry.prepare}).
     */
    public static FrontendRouter compile(Frontend frontend, FrontendLimits limits) {
        return compile(frontend, limits, MIN_INDEXED_RUN);
    }

    /**
     * As {@link #compile(Frontend)}, indexing runs of at least {@code minIndexedRun} rules
     * ({@code Integer.MAX_VALUE}: none, the plain linear walk the index is tested against).
     */
    static FrontendRouter compile(Frontend frontend, int minIndexedRun) {
        return compile(frontend, FrontendLimits.NONE, minIndexedRun);
    }

    private static FrontendRouter compile(Frontend frontend, FrontendLimits limits, int minIndexedRun) {
        if (minIndexedRun < 1) {
            throw new IllegalArgumentException("minIndexedRun must be >= 1, got " + minIndexedRun);
        }
        AclSet aclSet = AclSet.compile("frontend '" + frontend.name() + "'", frontend.acl(), limits);
        List<AclMatcher> matchers = Arrays.asList(aclSet.matchers);
        boolean[] used = new boolean[matchers.size()];
        List<UseBackend> useBackends = frontend.useBackend();
        int[][][] conditions = new int[useBackends.size()][][];
        for (int r = 0; r < conditions.length; r++) {
            UseBackend ub = useBackends.get(r);
            if (ub.ifCondition() != null && ub.unlessCondition() != null) {
                throw new InvalidRouteException("frontend '" + frontend.name() + "': use_backend '" + ub.backend()
                        + "' sets both if and unless");
            }
            Condition c = ub.ifCondition() != null ? ub.ifCondition() : ub.unlessCondition();
            conditions[r] = c == null ? null : compile(frontend.name(), ub.backend(), c, aclSet, used);
        }

        // Runs of indexable rules; every other rule is walked.
        List<Rule> rules = new ArrayList<>(conditions.length);
        int[] refs = new int[matchers.size()];
        for (int r = 0; r < conditions.length; ) {
            int end = r;
            while (end < conditions.length && indexable(conditions[end], useBackends.get(end), matchers)) {
                end++;
            }
            if (end - r >= minIndexedRun) {
                RuleIndex.Builder b = RuleIndex.builder();
                for (int i = r; i < end; i++) {
                    for (int[] group : conditions[i]) {
                        for (int ref : group) {
                            matchers.get(ref < 0 ? ~ref : ref).indexInto(b, i - r);
                        }
                    }
                }
                RuleIndex runIndex = b.build();
                for (int i = r; i < end; i++) {
                    UseBackend ub = useBackends.get(i);
                    rules.add(new Rule(ub.backend(), conditions[i], ub.unlessCondition() != null,
                            i == r ? runIndex : null, i == r ? end - r : 0));
                }
                r = end;
                continue;
            }
            UseBackend ub = useBackends.get(r);
            rules.add(new Rule(ub.backend(), conditions[r], ub.unlessCondition() != null, null, 0));
            if (conditions[r] != null) {
                for (int[] group : conditions[r]) {
                    for (int ref : group) {
                        refs[ref < 0 ? ~ref : ref]++;
                    }
                }
            }
            r++;
        }
        // Cache slots only for acls that more than one walked term reads; tries only for
        // acls that a walked term reads at all.
        int[] slot = new int[matchers.size()];
        int slots = 0;
        for (int i = 0; i < slot.length; i++) {
            slot[i] = refs[i] > 1 ? slots++ : UNCACHED;
            if (refs[i] > 0) {
                aclSet.prepare(i);
            }
        }

        boolean sni = false;
        boolean http = false;
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                sni |= matchers.get(i).readsSni();
                http |= matchers.get(i).readsHttp();
            }
        }
        return new FrontendRouter(frontend.name(), aclSet, slot,
                Math.max(0, slots - STACK_ACLS), rules.toArray(new Rule[0]), frontend.defaultBackend(), sni, http);
    }

    /**
     * Whether the rule holds exactly when one of its acls does, each indexable:
     * {@code if a || b || …} with positive terms, or {@code unless !a !b …}.
     */
    private static boolean indexable(int[][] groups, UseBackend ub, List<AclMatcher> matchers) {
        if (groups == null) {
            return false;
        }
        if (ub.unlessCondition() != null) {
            // unless !a !b  ==  if a || b
            if (groups.length != 1) {
                return false;
            }
            for (int ref : groups[0]) {
                if (ref >= 0 || !matchers.get(~ref).indexable()) {
                    return false;
                }
            }
            return true;
        }
        for (int[] group : groups) {
            if (group.length != 1 || group[0] < 0 || !matchers.get(group[0]).indexable()) {
                return false;
            }
        }
        return true;
    }

    private static int[][] compile(String frontend, String backend, Condition c, AclSet index, boolean[] used) {
        int[][] groups = new int[c.anyOf().size()][];
        for (int g = 0; g < groups.length; g++) {
            List<Condition.Term> terms = c.anyOf().get(g);
            groups[g] = new int[terms.size()];
            for (int t = 0; t < terms.size(); t++) {
                Condition.Term term = terms.get(t);
                Integer i = index.indexOf(term.acl());
                if (i == null) {
                    throw new InvalidRouteException("frontend '" + frontend + "': use_backend '" + backend
                            + "' refers to unknown acl '" + term.acl() + "'");
                }
                used[i] = true;
                groups[g][t] = term.negated() ? ~i : i;
            }
        }
        return groups;
    }

    /** The backend for these facts, or null: 503 (http) or close (tcp). */
    public String route(RequestFacts facts) {
        long known = 0;
        long value = 0;
        byte[] more = null; // results of shared acls past the 64th: 0 unknown, 1 true, 2 false
        Rule[] rules = this.rules;
        for (int r = 0; r < rules.length; r++) {
            Rule rule = rules[r];
            RuleIndex runIndex = rule.index;
            if (runIndex != null) {
                int hit = runIndex.first(facts);
                if (hit != RuleIndex.NONE) {
                    return rules[r + hit].backend;
                }
                r += rule.runLength - 1;
                continue;
            }
            int[][] groups = rule.groups;
            if (groups == null) {
                return rule.backend;
            }
            boolean any = false;
            for (int[] group : groups) {
                boolean all = true;
                for (int ref : group) {
                    boolean negated = ref < 0;
                    int acl = negated ? ~ref : ref;
                    int s = slot[acl];
                    boolean v;
                    if (s == UNCACHED) {
                        v = acls[acl].matches(facts);
                    } else if (s < STACK_ACLS) {
                        long bit = 1L << s;
                        if ((known & bit) != 0) {
                            v = (value & bit) != 0;
                        } else {
                            v = acls[acl].matches(facts);
                            known |= bit;
                            if (v) {
                                value |= bit;
                            }
                        }
                    } else {
                        if (more == null) {
                            more = new byte[extraSlots];
                        }
                        byte b = more[s - STACK_ACLS];
                        if (b == 0) {
                            v = acls[acl].matches(facts);
                            more[s - STACK_ACLS] = v ? (byte) 1 : (byte) 2;
                        } else {
                            v = b == 1;
                        }
                    }
                    if (v == negated) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    any = true;
                    break;
                }
            }
            if (any != rule.unless) {
                return rule.backend;
            }
        }
        return defaultBackend;
    }

    /** Whether some rule reads the SNI, so a tcp frontend must read the ClientHello before routing. */
    public boolean usesSni() {
        return usesSni;
    }

    /** Whether some rule reads host, path, method or headers (meaningful only in http mode). */
    public boolean usesHttpFacts() {
        return usesHttpFacts;
    }

    /** The frontend's compiled acls, for its rules' conditions. */
    public AclSet acls() {
        return aclSet;
    }

    /** The frontend this table belongs to. */
    public String frontend() {
        return name;
    }

    /** The backend used when no rule matches, or null. */
    public String defaultBackend() {
        return defaultBackend;
    }

    @Override
    public String toString() {
        int runs = 0;
        for (Rule r : rules) {
            runs += r.index != null ? 1 : 0;
        }
        return "FrontendRouter[" + name + ", " + acls.length + " acls, " + rules.length + " rules (" + runs
                + " indexed runs), default " + defaultBackend + "]";
    }
}
