package io.pointsman.proxy.balance;

import java.util.concurrent.atomic.AtomicInteger;

/** A live-state stand-in for the runtime's server: settable health, connections, maxconn. */
final class TestServer implements Candidate {
    final String name;
    final int weight;
    final boolean backup;
    volatile boolean up = true;
    volatile int maxconn;
    final AtomicInteger conns = new AtomicInteger();

    TestServer(String name, int weight) {
        this(name, weight, false);
    }

    TestServer(String name, int weight, boolean backup) {
        this.name = name;
        this.weight = weight;
        this.backup = backup;
    }

    @Override
    public String key() {
        return "farm/" + name;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public boolean backup() {
        return backup;
    }

    @Override
    public boolean isUp() {
        return up;
    }

    @Override
    public boolean hasFreeSlot() {
        return maxconn == 0 || conns.get() < maxconn;
    }

    @Override
    public int currentConnections() {
        return conns.get();
    }

    @Override
    public String toString() {
        return name;
    }
}
