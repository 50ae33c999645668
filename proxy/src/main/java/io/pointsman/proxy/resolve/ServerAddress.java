package io.pointsman.proxy.resolve;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Where a server is now: its address as last resolved, shared by every generation that has
 * the server (backend + address as written), so a changed DNS answer reaches new
 * connections without a commit. Written by the resolution thread, read on the hot path
 * (two volatile reads).
 */
public final class ServerAddress {
    private final String host;
    private final int port;
    private final boolean literal;
    private volatile InetSocketAddress current;
    /** When a resolution last succeeded ({@code System.nanoTime()}). */
    private volatile long resolvedAt;
    /** How long the last good address stays usable while resolution fails; 0 = for ever (a literal). */
    private volatile long holdNanos;
    private volatile String problem;

    /** An IP literal: never resolved again. */
    public static ServerAddress literal(InetSocketAddress address) {
        return new ServerAddress(address.getHostString(), address.getPort(), true, address);
    }

    ServerAddress(String host, int port, boolean literal, InetSocketAddress first) {
        this.host = host;
        this.port = port;
        this.literal = literal;
        this.current = first;
        this.resolvedAt = System.nanoTime();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean isName() {
        return !literal;
    }

    /** The address new connections go to. */
    public InetSocketAddress current() {
        return current;
    }

    /**
     * Whether the address may still be used: a literal always; a name while its last good
     * resolution is younger than {@code hold_valid} (or resolution works).
     */
    public boolean valid() {
        long hold = holdNanos;
        return literal || hold <= 0 || System.nanoTime() - resolvedAt <= hold;
    }

    /** Why the last resolution failed, or null when it worked. */
    public String problem() {
        return problem;
    }

    void holdValid(long nanos) {
        holdNanos = nanos;
    }

    /** A resolution gave {@code address}; returns the address before when it changed, else null. */
    InetSocketAddress resolved(InetSocketAddress address) {
        InetSocketAddress before = current;
        current = address;
        resolvedAt = System.nanoTime();
        problem = null;
        return before.equals(address) ? null : before;
    }

    void failed(String why) {
        problem = why;
    }

    long ageMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resolvedAt);
    }

    @Override
    public String toString() {
        return host + ":" + port + " -> " + current;
    }
}
