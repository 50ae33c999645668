package io.pointsman.proxy.limits;

import io.pointsman.proxy.config.Limit;

import java.net.InetAddress;

/**
 * {@code concurrent: N}: a client is over while it has more than N connections open on
 * the frontend (its current one included). A client's entry exists only while it has a
 * connection open, so the map holds at most the open connections' clients (and never
 * more than {@code size}: past it the least recently active is forgotten, and its
 * connections count from zero again).
 */
public final class ConcurrencyLimiter extends Limiter {
    private final int concurrent;
    private final LruSegments<Count> clients;

    /** Open connections of one client; guarded by its segment's lock. */
    private static final class Count {
        int open;
    }

    ConcurrencyLimiter(Limit definition) {
        super(definition);
        this.concurrent = definition.concurrent();
        this.clients = new LruSegments<>(definition.sizeOrDefault());
    }

    /** One more connection of {@code client}; call {@link #closed} once when it ends. */
    public void opened(InetAddress client) {
        synchronized (clients.lock(client)) {
            clients.get(client, c -> new Count()).open++;
        }
    }

    /** A connection of {@code client} counted by {@link #opened} ended. */
    public void closed(InetAddress client) {
        synchronized (clients.lock(client)) {
            Count c = clients.peek(client);
            if (c != null && --c.open <= 0) {
                clients.remove(client);
            }
        }
    }

    /** Connections {@code client} has open now. */
    public int open(InetAddress client) {
        synchronized (clients.lock(client)) {
            Count c = clients.peek(client);
            return c == null ? 0 : c.open;
        }
    }

    @Override
    public boolean isOver(InetAddress client) {
        return client != null && open(client) > concurrent;
    }

    @Override
    public int tracked() {
        return clients.size();
    }
}
