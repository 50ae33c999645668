package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.Condition;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.UseBackend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled, immutable routing table of one frontend: its acls as
 * {@link AclMatcher}s and its {@code use_backend} rules as index arrays.
 *
 * <p>{@link #route} runs on the event loop for every connection (tcp) or request (http),
 * so it allocates nothing of its own: each acl is evaluated at most once per decision
 * and only when a rule needs it (lazily, in rule order), with the results of the first
 * 64 acls held in two {@code long} bit sets on the stack. Thread-safe.
 */
public final class FrontendRouter {
    private static final int STACK_ACLS = 64;

    private final String name;
    private final AclMatcher[] acls;
    private final Rule[] rules;
    private final String defaultBackend;
    private final boolean usesSni;
    private final boolean usesHttpFacts;

    /**
     * One {@code use_backend}: {@code groups[g][t]} is an acl index, bit-inverted
     * ({@code ~index}) when the term is negated. {@code null} groups = no condition.
     */
    private record Rule(String backend, int[][] groups, boolean unless) {
    }

    private FrontendRouter(String name, AclMatcher[] acls, Rule[] rules, String defaultBackend,
                           boolean usesSni, boolean usesHttpFacts) {
        this.name = name;
        this.acls = acls;
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
        Map<String, Integer> index = new HashMap<>();
        List<AclMatcher> matchers = new ArrayList<>();
        for (Acl acl : frontend.acl()) {
            if (index.putIfAbsent(acl.name(), matchers.size()) != null) {
                throw new InvalidRouteException("frontend '" + frontend.name() + "': duplicate acl '" + acl.name() + "'");
            }
            matchers.add(AclMatchers.compile(frontend.name(), acl));
        }
        boolean[] used = new boolean[matchers.size()];
        List<Rule> rules = new ArrayList<>();
        for (UseBackend ub : frontend.useBackend()) {
            if (ub.ifCondition() != null && ub.unlessCondition() != null) {
                throw new InvalidRouteException("frontend '" + frontend.name() + "': use_backend '" + ub.backend()
                        + "' sets both if and unless");
            }
            Condition c = ub.ifCondition() != null ? ub.ifCondition() : ub.unlessCondition();
            int[][] groups = c == null ? null : compile(frontend.name(), ub.backend(), c, index, used);
            rules.add(new Rule(ub.backend(), groups, ub.unlessCondition() != null));
        }
        boolean sni = false;
        boolean http = false;
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                sni |= matchers.get(i).readsSni();
                http |= matchers.get(i).readsHttp();
            }
        }
        return new FrontendRouter(frontend.name(), matchers.toArray(new AclMatcher[0]), rules.toArray(new Rule[0]),
                frontend.defaultBackend(), sni, http);
    }

    private static int[][] compile(String frontend, String backend, Condition c, Map<String, Integer> index, boolean[] used) {
        int[][] groups = new int[c.anyOf().size()][];
        for (int g = 0; g < groups.length; g++) {
            List<Condition.Term> terms = c.anyOf().get(g);
            groups[g] = new int[terms.size()];
            for (int t = 0; t < terms.size(); t++) {
                Condition.Term term = terms.get(t);
                Integer i = index.get(term.acl());
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
        byte[] more = null; // results of acls past the 64th: 0 unknown, 1 true, 2 false
        for (Rule rule : rules) {
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
                    boolean v;
                    if (acl < STACK_ACLS) {
                        long bit = 1L << acl;
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
                            more = new byte[acls.length - STACK_ACLS];
                        }
                        byte b = more[acl - STACK_ACLS];
                        if (b == 0) {
                            v = acls[acl].matches(facts);
                            more[acl - STACK_ACLS] = v ? (byte) 1 : (byte) 2;
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
        return "FrontendRouter[" + name + ", " + acls.length + " acls, " + rules.length + " rules, default "
                + defaultBackend + "]";
    }
}
