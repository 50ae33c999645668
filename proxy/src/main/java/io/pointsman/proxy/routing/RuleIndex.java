package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Cidr;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run of consecutive {@code use_backend} rules decided by one look-up per fact instead
 * of one acl evaluation per rule: the "acl + rule per customer" shape ({@code acl cust42
 * src 10.0.42.0/24} + {@code use_backend b42 if cust42}, thousands of times) costs the
 * same whatever the number of customers.
 *
 * <p>Every value of every acl of the run is stored with the rank of its rule (its
 * position in the run), and {@link #first} returns the smallest rank whose acl holds for
 * the facts: exactly the rule a linear walk would pick, since HAProxy's semantics are
 * "the first rule whose condition holds", not the most specific value. For {@code src}
 * and {@code path_beg}/{@code path_end} that is the minimum rank along one trie walk
 * (every network or prefix on the path matches); for exact values a map look-up; across
 * the kinds of one run, the minimum of those.
 *
 * <p>A rule belongs in a run when its condition is an OR of single positive acls
 * ({@code if a}, {@code if a || b}, or {@code unless !a !b}) whose matchers are
 * {@link AclMatcher#indexable()}: {@code src}, {@code dst_port}, {@code path},
 * {@code path_beg}, {@code path_end}, {@code method}, and {@code host}/{@code sni} without
 * wildcards. Immutable; {@link #first} allocates nothing for IPv4 clients and for
 * facts already in canonical form (lower-case host without port).
 */
final class RuleIndex {
    static final int NONE = CidrTrie.NONE;

    private final CidrTrie src;
    private final int[] ports;
    private final int[] portRanks;
    private final Map<String, Integer> path;
    private final PrefixTrie pathBeg;
    private final PrefixTrie pathEnd;
    private final Map<String, Integer> method;
    private final Map<String, Integer> host;
    private final Map<String, Integer> sni;

    private RuleIndex(Builder b) {
        src = b.src == null ? null : b.src.build();
        if (b.ports.isEmpty()) {
            ports = null;
            portRanks = null;
        } else {
            ports = b.ports.keySet().stream().mapToInt(Integer::intValue).toArray();
            portRanks = b.ports.values().stream().mapToInt(Integer::intValue).toArray();
        }
        path = frozen(b.path);
        pathBeg = b.pathBeg.isEmpty() ? null : new PrefixTrie(b.pathBeg, false);
        pathEnd = b.pathEnd.isEmpty() ? null : new PrefixTrie(b.pathEnd, true);
        method = frozen(b.method);
        host = frozen(b.host);
        sni = frozen(b.sni);
    }

    private static Map<String, Integer> frozen(Map<String, Integer> m) {
        return m.isEmpty() ? null : Map.copyOf(m);
    }

    static Builder builder() {
        return new Builder();
    }

    /** The smallest rank of a value that holds for these facts, or {@link #NONE}. */
    int first(RequestFacts facts) {
        int best = NONE;
        if (src != null) {
            best = src.first(facts.source());
        }
        if (ports != null) {
            int at = Arrays.binarySearch(ports, facts.destinationPort());
            if (at >= 0) {
                best = Math.min(best, portRanks[at]);
            }
        }
        if (path != null || pathBeg != null || pathEnd != null) {
            String p = facts.path();
            if (p != null) {
                best = Math.min(best, rankOf(path, p));
                if (pathBeg != null) {
                    best = Math.min(best, pathBeg.first(p));
                }
                if (pathEnd != null) {
                    best = Math.min(best, pathEnd.first(p));
                }
            }
        }
        if (method != null) {
            best = Math.min(best, rankOf(method, facts.method()));
        }
        if (host != null) {
            best = Math.min(best, rankOf(host, HostPattern.lookupKey(facts.host())));
        }
        if (sni != null) {
            best = Math.min(best, rankOf(sni, HostPattern.lookupKey(facts.sni())));
        }
        return best;
    }

    private static int rankOf(Map<String, Integer> m, String key) {
        if (m == null || key == null) {
            return NONE;
        }
        Integer r = m.get(key);
        return r == null ? NONE : r;
    }

    /** Collects the values of a run's acls with their rule's rank (smaller wins). */
    static final class Builder {
        private CidrTrie.Builder src;
        private final TreeMap<Integer, Integer> ports = new TreeMap<>();
        private final Map<String, Integer> path = new HashMap<>();
        private final Map<String, Integer> pathBeg = new HashMap<>();
        private final Map<String, Integer> pathEnd = new HashMap<>();
        private final Map<String, Integer> method = new HashMap<>();
        private final Map<String, Integer> host = new HashMap<>();
        private final Map<String, Integer> sni = new HashMap<>();

        void src(Cidr network, int rank) {
            if (src == null) {
                src = CidrTrie.builder();
            }
            src.add(network, rank);
        }

        void dstPort(int port, int rank) {
            ports.merge(port, rank, Math::min);
        }

        void path(String p, int rank) {
            path.merge(p, rank, Math::min);
        }

        void pathBeg(String prefix, int rank) {
            pathBeg.merge(prefix, rank, Math::min);
        }

        void pathEnd(String suffix, int rank) {
            pathEnd.merge(suffix, rank, Math::min);
        }

        void method(String m, int rank) {
            method.merge(m, rank, Math::min);
        }

        /** An exact host name, already normalized ({@link HostPattern#exactNames()}). */
        void host(String name, int rank) {
            host.merge(name, rank, Math::min);
        }

        /** An exact SNI name, already normalized ({@link HostPattern#exactNames()}). */
        void sni(String name, int rank) {
            sni.merge(name, rank, Math::min);
        }

        RuleIndex build() {
            return new RuleIndex(this);
        }
    }
}
