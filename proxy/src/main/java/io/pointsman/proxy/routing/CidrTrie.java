package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Cidr;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collection;

/**
 * A set of IPv4 and IPv6 networks, answering "is this address in any of them" in at
 * most 128 steps whatever the number of networks (a binary prefix trie, not a scan).
 *
 * <p>Everything lives in one 128-bit space: an IPv4 network {@code a.b.c.d/p} is stored
 * as its IPv4-mapped form {@code ::ffff:a.b.c.d/(96+p)}, and an IPv4 client is looked
 * up the same way. So an IPv4-mapped IPv6 client ({@code ::ffff:203.0.113.9}, what a
 * dual-stack socket reports) matches IPv4 networks, and — as in HAProxy, which converts
 * IPv4 samples to mapped IPv6 when comparing with IPv6 patterns — an IPv6 network that
 * covers {@code ::ffff:0:0/96} (e.g. {@code ::/0}) matches IPv4 clients too.
 *
 * <p>Immutable after construction; lookups allocate nothing.
 */
public final class CidrTrie {
    private static final int NONE = 0;

    /** children[2n] / children[2n+1]: node index of the 0 / 1 branch, 0 = none (the root is never a child). */
    private final int[] children;
    /** A network ends at this node: every address below it matches. */
    private final boolean[] terminal;

    public CidrTrie(Collection<Cidr> networks) {
        Builder b = new Builder();
        for (Cidr c : networks) {
            b.add(c);
        }
        this.children = Arrays.copyOf(b.children, b.size * 2);
        this.terminal = Arrays.copyOf(b.terminal, b.size);
    }

    /** Whether the address (4 or 16 bytes) lies in one of the networks. */
    public boolean contains(byte[] address) {
        int offset;
        if (address.length == 4) {
            // Walk the fixed ::ffff: part as if the address were mapped.
            offset = -12;
        } else if (address.length == 16) {
            offset = 0;
        } else {
            return false;
        }
        int node = 0;
        for (int bit = 0; bit < 128; bit++) {
            if (terminal[node]) {
                return true;
            }
            int byteIndex = (bit >>> 3) + offset;
            int b = byteIndex >= 0 ? address[byteIndex] : mappedPrefixByte(byteIndex + 12);
            int next = children[node * 2 + ((b >>> (7 - (bit & 7))) & 1)];
            if (next == NONE) {
                return false;
            }
            node = next;
        }
        return terminal[node];
    }

    public boolean contains(InetAddress address) {
        return address != null && contains(address.getAddress());
    }

    /** Number of trie nodes (for tests and diagnostics). */
    int nodeCount() {
        return terminal.length;
    }

    /** Byte i (0–11) of the IPv4-mapped prefix {@code ::ffff:0:0/96}. */
    private static int mappedPrefixByte(int i) {
        return i >= 10 ? 0xff : 0;
    }

    private static final class Builder {
        int[] children = new int[64];
        boolean[] terminal = new boolean[32];
        int size = 1; // the root

        void add(Cidr cidr) {
            byte[] net = cidr.network();
            int prefix = cidr.prefix();
            if (net.length == 4) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(net, 0, mapped, 12, 4);
                net = mapped;
                prefix += 96;
            }
            int node = 0;
            for (int bit = 0; bit < prefix; bit++) {
                if (terminal[node]) {
                    return; // already covered by a shorter network
                }
                int dir = (net[bit >>> 3] >>> (7 - (bit & 7))) & 1;
                int next = children[node * 2 + dir];
                if (next == NONE) {
                    next = newNode();
                    children[node * 2 + dir] = next;
                }
                node = next;
            }
            terminal[node] = true;
            // Anything deeper is now redundant; drop it so lookups stop here.
            children[node * 2] = NONE;
            children[node * 2 + 1] = NONE;
        }

        private int newNode() {
            if (size == terminal.length) {
                terminal = Arrays.copyOf(terminal, size * 2);
                children = Arrays.copyOf(children, size * 4);
            }
            return size++;
        }
    }
}
