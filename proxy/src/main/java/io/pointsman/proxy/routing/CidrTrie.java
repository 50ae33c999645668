package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;

/**
 * A set of IPv4 and IPv6 networks, each with a rank, answering in at most 32 (IPv4) or
 * 128 (IPv6) steps whatever the number of networks (binary prefix tries, not a scan):
 * "is this address in any of them" ({@link #contains}) and "what is the smallest rank of
 * a network holding it" ({@link #first}). Ranks are what lets {@link RuleIndex} answer
 * "the earliest {@code use_backend} rule whose network holds the client" in one walk:
 * a rank is a rule's position, and every network on the path from the root to the
 * address contains it, so the minimum over that path is the first matching rule —
 * HAProxy's first-match, not the longest prefix.
 *
 * <p>Two tries share one node pool: IPv4 keyed by the address as an {@code int}, IPv6 by
 * two {@code long}s; nothing is converted or copied per step. The semantics are those of
 * one 128-bit space in which IPv4 is the mapped range {@code ::ffff:0:0/96}: an
 * IPv4-mapped IPv6 client ({@code ::ffff:203.0.113.9}, what a dual-stack socket reports)
 * is looked up as IPv4, an IPv6 network inside {@code ::ffff:0:0/96} is stored as the IPv4
 * network it denotes, and — as in HAProxy, which converts IPv4 samples to mapped IPv6
 * when comparing with IPv6 patterns — an IPv6 network that covers {@code ::ffff:0:0/96}
 * (e.g. {@code ::/0}) also holds every IPv4 client.
 *
 * <p>Immutable after construction; lookups of IPv4 clients allocate nothing (the address
 * is read without {@link InetAddress#getAddress()}'s copy, see {@link #ipv4}).
 */
public final class CidrTrie {
    /** The rank of "no network": greater than every real rank. */
    public static final int NONE = Integer.MAX_VALUE;
    private static final int ROOT4 = 0;
    private static final int ROOT6 = 1;
    /** {@code ::ffff:0:0/96} as the low long of an address (the high long is 0). */
    private static final long MAPPED_LO = 0x0000_ffff_0000_0000L;

    /** children[2n] / children[2n+1]: node of the 0 / 1 branch, 0 = none (a root is never a child). */
    private final int[] children;
    /** Smallest rank of a network ending at this node, or {@link #NONE}. */
    private final int[] rank;

    /** The plain set: every network has rank 0. */
    public CidrTrie(Collection<Cidr> networks) {
        this(build(networks));
    }

    private CidrTrie(Builder b) {
        this.children = Arrays.copyOf(b.children, b.size * 2);
        this.rank = Arrays.copyOf(b.rank, b.size);
    }

    private static Builder build(Collection<Cidr> networks) {
        Builder b = new Builder();
        for (Cidr c : networks) {
            b.add(c, 0);
        }
        return b;
    }

    static Builder builder() {
        return new Builder();
    }

    /** Whether the address (4 or 16 bytes) lies in one of the networks. */
    public boolean contains(byte[] address) {
        return first(address) != NONE;
    }

    public boolean contains(InetAddress address) {
        if (address instanceof Inet4Address) {
            return contains4(ipv4(address));
        }
        return address != null && contains(address.getAddress());
    }

    /** The smallest rank of a network holding the address (4 or 16 bytes), or {@link #NONE}. */
    public int first(byte[] address) {
        if (address.length == 4) {
            return first4(toInt(address, 0));
        }
        if (address.length != 16) {
            return NONE;
        }
        long hi = toLong(address, 0);
        long lo = toLong(address, 8);
        if (hi == 0 && (lo & 0xffff_ffff_0000_0000L) == MAPPED_LO) {
            return first4((int) lo);
        }
        return first6(hi, lo);
    }

    /** The smallest rank of a network holding the address, or {@link #NONE} (also for null). */
    public int first(InetAddress address) {
        if (address instanceof Inet4Address) {
            return first4(ipv4(address));
        }
        return address == null ? NONE : first(address.getAddress());
    }

    private boolean contains4(int a) {
        int[] ch = children;
        int[] rk = rank;
        int node = ROOT4;
        if (rk[node] != NONE) {
            return true;
        }
        for (int shift = 31; shift >= 0; shift--) {
            node = ch[(node << 1) | ((a >>> shift) & 1)];
            if (node == 0) {
                return false;
            }
            if (rk[node] != NONE) {
                return true;
            }
        }
        return false;
    }

    private int first4(int a) {
        int[] ch = children;
        int[] rk = rank;
        int node = ROOT4;
        int best = rk[node];
        for (int shift = 31; shift >= 0; shift--) {
            node = ch[(node << 1) | ((a >>> shift) & 1)];
            if (node == 0) {
                break;
            }
            best = Math.min(best, rk[node]);
        }
        return best;
    }

    private int first6(long hi, long lo) {
        int[] ch = children;
        int[] rk = rank;
        int node = ROOT6;
        int best = rk[node];
        for (int bit = 0; bit < 128; bit++) {
            long word = bit < 64 ? hi : lo;
            node = ch[(node << 1) | (int) ((word >>> (63 - (bit & 63))) & 1)];
            if (node == 0) {
                break;
            }
            best = Math.min(best, rk[node]);
        }
        return best;
    }

    /** Number of trie nodes, both roots included (for tests and diagnostics). */
    int nodeCount() {
        return rank.length;
    }

    // ---- reading addresses -----------------------------------------------------------

    /**
     * Whether {@code Inet4Address.hashCode()} is the address itself, as in every OpenJDK
     * since 1.0 (the {@code hashCode} is the {@code int} the address is held in). Checked
     * once here rather than assumed, so another JVM falls back to the copying path.
     */
    private static final boolean HASH_IS_IPV4 = hashIsIpv4();

    /** The IPv4 address as an int, without the array copy {@code getAddress()} makes. */
    static int ipv4(InetAddress a) {
        return HASH_IS_IPV4 ? a.hashCode() : toInt(a.getAddress(), 0);
    }

    private static boolean hashIsIpv4() {
        int[][] samples = {{1, 2, 3, 4}, {255, 254, 253, 252}, {0, 0, 0, 0}, {128, 0, 0, 1}, {10, 200, 7, 99}};
        try {
            for (int[] s : samples) {
                byte[] b = {(byte) s[0], (byte) s[1], (byte) s[2], (byte) s[3]};
                InetAddress a = InetAddress.getByAddress(b); // a literal: no lookup
                if (!(a instanceof Inet4Address) || a.hashCode() != toInt(b, 0)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int toInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static long toLong(byte[] b, int off) {
        return (long) toInt(b, off) << 32 | (toInt(b, off + 4) & 0xffff_ffffL);
    }

    // ---- building --------------------------------------------------------------------

    /** Collects ranked networks; {@link #build()} freezes them. Not thread-safe. */
    static final class Builder {
        private int[] children = new int[64];
        private int[] rank = new int[32];
        private int size = 2; // the two roots

        Builder() {
            Arrays.fill(rank, NONE);
        }

        /** Adds a network with a rank (&gt;= 0; smaller wins). */
        Builder add(Cidr cidr, int r) {
            if (r < 0 || r == NONE) {
                throw new IllegalArgumentException("rank " + r + " out of range");
            }
            byte[] net = cidr.network();
            int prefix = cidr.prefix();
            if (net.length == 4) {
                insert(ROOT4, 0, toInt(net, 0), prefix, r);
                return this;
            }
            long hi = toLong(net, 0);
            long lo = toLong(net, 8);
            if (prefix >= 96 && hi == 0 && (lo & 0xffff_ffff_0000_0000L) == MAPPED_LO) {
                // Inside ::ffff:0:0/96: it is the IPv4 network a.b.c.d/(prefix - 96); no
                // non-mapped address lies in it.
                insert(ROOT4, 0, (int) lo, prefix - 96, r);
                return this;
            }
            if (prefix < 96 && coversMapped(hi, lo, prefix)) {
                insert(ROOT4, 0, 0, 0, r); // every IPv4 client, in its mapped form
            }
            insert(ROOT6, hi, lo, prefix, r);
            return this;
        }

        /** Whether the first {@code prefix} (&lt; 96) bits of hi:lo are those of {@code ::ffff:0:0}. */
        private static boolean coversMapped(long hi, long lo, int prefix) {
            for (int bit = 0; bit < prefix; bit++) {
                long word = bit < 64 ? hi : lo;
                long mapped = bit < 64 ? 0 : MAPPED_LO;
                int shift = 63 - (bit & 63);
                if (((word >>> shift) & 1) != ((mapped >>> shift) & 1)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Adds a network under a root: for IPv4 the address is the low 32 bits of
         * {@code lo} ({@code hi} unused), for IPv6 hi:lo.
         */
        private void insert(int root, long hi, long lo, int prefix, int r) {
            boolean v4 = root == ROOT4;
            int node = root;
            for (int bit = 0; bit < prefix; bit++) {
                if (rank[node] <= r) {
                    return; // a network holding this one already has a smaller or equal rank
                }
                int dir;
                if (v4) {
                    dir = (int) (lo >>> (31 - bit)) & 1;
                } else {
                    long word = bit < 64 ? hi : lo;
                    dir = (int) ((word >>> (63 - (bit & 63))) & 1);
                }
                int next = children[node * 2 + dir];
                if (next == 0) {
                    next = newNode();
                    children[node * 2 + dir] = next;
                }
                node = next;
            }
            rank[node] = Math.min(rank[node], r);
            if (r == 0) {
                // Nothing below can rank lower: drop it so the trie stays small.
                children[node * 2] = 0;
                children[node * 2 + 1] = 0;
            }
        }

        private int newNode() {
            if (size == rank.length) {
                rank = Arrays.copyOf(rank, size * 2);
                Arrays.fill(rank, size, size * 2, NONE);
                children = Arrays.copyOf(children, size * 4);
            }
            return size++;
        }

        CidrTrie build() {
            return new CidrTrie(this);
        }
    }
}
