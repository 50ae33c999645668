package io.pointsman.proxy.resolve;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Where a server is now: its address as last resolved, shared by every generation that has
 * the server (backend + address as written), so a changed DNS answer reaches new
 * connections without a commit. Written by the resolution thread, read on the hot path
 * (two volatile reads). A {@code server_template} slot may also be empty (no address in
 * the answer for it: no traffic, no checks) and carry the weight of its SRV record.
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
    /** The weight DNS gave (an SRV record's, mapped to 0–256); -1 = none, the config's applies. */
    private volatile int weight = -1;

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

    /** A template slot no answer has filled yet: unresolved (no address), so not {@link #valid()}. */
    public static ServerAddress emptySlot(String host, int port) {
        return new ServerAddress(host, port, false, InetSocketAddress.createUnresolved(host, Math.max(0, port)));
    }

    /** The address new connections go to; unresolved ({@code getAddress() == null}) for an empty slot. */
    public InetSocketAddress current() {
        return current;
    }

    /**
     * Whether the address may be used: a literal always; a name while its last good
     * resolution is younger than {@code hold_valid} (or resolution works); never an empty
     * template slot.
     */
    public boolean valid() {
        long hold = holdNanos;
        return literal || !current.isUnresolved() && (hold <= 0 || System.nanoTime() - resolvedAt <= hold);
    }

    /** The weight an SRV record gave, 0–256, or -1 (the config's weight applies). */
    public int weight() {
        return weight;
    }

    /** @return whether it changed */
    boolean weight(int w) {
        int before = weight;
        weight = w;
        return before != w;
    }

    /** A template slot the answer no longer fills: no traffic from now on. */
    void empty(String why) {
        current = InetSocketAddress.createUnresolved(host, Math.max(0, port));
        weight = -1;
        problem = why;
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
        // The time first: a reader that sees the new address must not see an old resolvedAt.
        resolvedAt = System.nanoTime();
        current = address;
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
