package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.Condition;
import io.pointsman.proxy.limits.FrontendLimits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled acls of one frontend or backend, and conditions over them for rules
 * ({@code http_request}, {@code http_response}, {@code tcp_request}). The frontend's
 * {@link FrontendRouter} shares its set, so an acl is compiled once whoever reads it.
 * Immutable once compiling is over.
 */
public final class AclSet {
    /** No acls. */
    public static final AclSet EMPTY = new AclSet("", Map.of(), new AclMatcher[0]);

    private final String owner;
    private final Map<String, Integer> index;
    final AclMatcher[] matchers;
    private final boolean[] prepared;

    private AclSet(String owner, Map<String, Integer> index, AclMatcher[] matchers) {
        this.owner = owner;
        this.index = index;
        this.matchers = matchers;
        this.prepared = new boolean[matchers.length];
    }

    /**
     * @param owner  how messages name the section: {@code frontend 'web'}
     * @param limits the frontend's limits, for {@code over_limit} ({@link FrontendLimits#NONE} for a backend)
     * @throws InvalidRouteException on a duplicate name or an acl that cannot be compiled
     */
    public static AclSet compile(String owner, List<Acl> acls, FrontendLimits limits) {
        Map<String, Integer> index = new HashMap<>();
        List<AclMatcher> matchers = new ArrayList<>();
        for (Acl acl : acls) {
            if (index.putIfAbsent(acl.name(), matchers.size()) != null) {
                throw new InvalidRouteException(owner + ": duplicate acl '" + acl.name() + "'");
            }
            matchers.add(AclMatchers.compile(owner, acl, limits));
        }
        return new AclSet(owner, Map.copyOf(index), matchers.toArray(new AclMatcher[0]));
    }

    /** The index of an acl, or null. */
    Integer indexOf(String name) {
        return index.get(name);
    }

    int size() {
        return matchers.length;
    }

    /** Builds the matcher's look-up structures once; only while compiling. */
    void prepare(int acl) {
        if (!prepared[acl]) {
            matchers[acl].prepare();
            prepared[acl] = true;
        }
    }

    /**
     * A rule's condition ({@code if} or {@code unless}, at most one; neither = always),
     * with every acl it reads prepared. Compile time only.
     *
     * @param what how messages name the rule
     * @throws InvalidRouteException when the condition names an acl this set lacks
     */
    public AclCondition condition(Condition ifCondition, Condition unlessCondition, String what) {
        if (ifCondition != null && unlessCondition != null) {
            throw new InvalidRouteException(owner + ": " + what + " sets both if and unless");
        }
        Condition c = ifCondition != null ? ifCondition : unlessCondition;
        if (c == null) {
            return AclCondition.ALWAYS;
        }
        AclMatcher[][] groups = new AclMatcher[c.anyOf().size()][];
        boolean[][] negated = new boolean[groups.length][];
        for (int g = 0; g < groups.length; g++) {
            List<Condition.Term> terms = c.anyOf().get(g);
            groups[g] = new AclMatcher[terms.size()];
            negated[g] = new boolean[terms.size()];
            for (int t = 0; t < terms.size(); t++) {
                Integer i = index.get(terms.get(t).acl());
                if (i == null) {
                    throw new InvalidRouteException(owner + ": " + what + " refers to unknown acl '"
                            + terms.get(t).acl() + "'");
                }
                prepare(i);
                groups[g][t] = matchers[i];
                negated[g][t] = terms.get(t).negated();
            }
        }
        return new AclCondition(groups, negated, unlessCondition != null);
    }

    /** Whether an acl reads the SNI (a tcp frontend must peek at the ClientHello first). */
    public boolean readsSni(String acl) {
        Integer i = index.get(acl);
        return i != null && matchers[i].readsSni();
    }
}
