package io.pointsman.proxy.limits;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded map from client to entry, least recently used evicted first, split into
 * {@value #SEGMENTS} segments each with its own lock (event loops counting different
 * clients rarely meet). Callers hold {@link #lock(InetAddress)} while they read or
 * change an entry.
 */
final class LruSegments<E> {
    static final int SEGMENTS = 16;

    private final Segment<E>[] segments;

    @SuppressWarnings("unchecked")
    LruSegments(int size) {
        int perSegment = Math.max(1, (size + SEGMENTS - 1) / SEGMENTS);
        segments = new Segment[SEGMENTS];
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment<>(perSegment);
        }
    }

    private static final class Segment<E> extends LinkedHashMap<InetAddress, E> {
        private final int capacity;

        Segment(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, E> eldest) {
            return size() > capacity;
        }
    }

    /** The lock guarding {@code client}'s entry. */
    Object lock(InetAddress client) {
        return segment(client);
    }

    /** The entry, made by {@code create} when missing; call with {@link #lock} held. */
    E get(InetAddress client, Function<InetAddress, E> create) {
        return segment(client).computeIfAbsent(client, create);
    }

    /** The entry or null, without creating one; call with {@link #lock} held. */
    E peek(InetAddress client) {
        return segment(client).get(client);
    }

    /** Removes the entry; call with {@link #lock} held. */
    void remove(InetAddress client) {
        segment(client).remove(client);
    }

    int size() {
        int n = 0;
        for (Segment<E> s : segments) {
            synchronized (s) {
                n += s.size();
            }
        }
        return n;
    }

    private Segment<E> segment(InetAddress client) {
        int h = client.hashCode();
        h ^= h >>> 16;
        return segments[h & (SEGMENTS - 1)];
    }
}
