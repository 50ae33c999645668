package io.pointsman.proxy.health;

/**
 * Identity of a server across generations: backend name and address as written
 * ({@code web-farm} + {@code 127.0.0.1:9001}). Health state and history survive a swap
 * exactly when this key is unchanged (SPEC §4) — a renamed server keeps its history, a
 * moved one starts afresh.
 */
public record ServerKey(String backend, String address) {
    @Override
    public String toString() {
        return backend + "/" + address;
    }
}
