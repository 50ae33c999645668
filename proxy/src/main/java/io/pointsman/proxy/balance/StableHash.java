package io.pointsman.proxy.balance;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit hashes that are the same in every process, on every node, in every release:
 * no seeds, no {@code String.hashCode()} or identity hashes. The {@code source}
 * balancer depends on it so two nodes behind one VIP send a client to the same server.
 *
 * <p>Strings: FNV-1a over UTF-8, then MurmurHash3's 64-bit finalizer ({@code fmix64}) to
 * spread the bits. Addresses: IPv4-mapped IPv6 addresses are hashed as their IPv4 form,
 * so a client is the same client whichever socket family reported it.
 */
final class StableHash {
    private StableHash() {}

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    static long ofString(String s) {
        long h = FNV_OFFSET;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return fmix64(h);
    }

    /** Hash of a client address (4 or 16 bytes; other lengths are hashed as given). */
    static long ofAddress(byte[] a) {
        int from = 0;
        if (a.length == 16 && isMappedV4(a)) {
            from = 12;
        }
        long h = FNV_OFFSET ^ (a.length - from);
        for (int i = from; i < a.length; i++) {
            h ^= a[i] & 0xff;
            h *= FNV_PRIME;
        }
        return fmix64(h);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
