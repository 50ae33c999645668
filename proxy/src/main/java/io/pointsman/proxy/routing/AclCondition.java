package io.pointsman.proxy.routing;

/**
 * A compiled {@code if}/{@code unless} of a rule: OR groups of AND-ed, possibly negated
 * acls, evaluated left to right with short cuts, every time it is asked (a rule before
 * may have changed what an acl reads, so nothing is cached). Immutable; allocates nothing.
 */
public final class AclCondition {
    /** No condition: always holds. */
    public static final AclCondition ALWAYS = new AclCondition(new AclMatcher[0][], new boolean[0][], true);

    private final AclMatcher[][] groups;
    private final boolean[][] negated;
    private final boolean unless;

    AclCondition(AclMatcher[][] groups, boolean[][] negated, boolean unless) {
        this.groups = groups;
        this.negated = negated;
        this.unless = unless;
    }

    /** Whether the rule runs for these facts. */
    public boolean holds(RequestFacts facts) {
        boolean any = false;
        for (int g = 0; g < groups.length && !any; g++) {
            AclMatcher[] group = groups[g];
            boolean[] neg = negated[g];
            boolean all = true;
            for (int t = 0; t < group.length; t++) {
                if (group[t].matches(facts) == neg[t]) {
                    all = false;
                    break;
                }
            }
            any = all;
        }
        return any != unless;
    }

    /** Whether some acl of it reads the TLS SNI (a tcp frontend must peek at the ClientHello first). */
    public boolean readsSni() {
        for (AclMatcher[] group : groups) {
            for (AclMatcher m : group) {
                if (m.readsSni()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True for {@link #ALWAYS}. */
    public boolean always() {
        return groups.length == 0 && unless;
    }
}
