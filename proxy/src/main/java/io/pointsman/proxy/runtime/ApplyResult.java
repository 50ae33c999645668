package io.pointsman.proxy.runtime;

import io.pointsman.proxy.config.HostPort;
import java.util.List;

/** What {@link ProxyRuntime#apply} did. */
public sealed interface ApplyResult {

    /**
     * The new generation serves new connections.
     *
     * @param added   addresses bound for this generation
     * @param kept    addresses whose listening socket was kept (no accept gap)
     * @param removed addresses closed after the swap
     */
    record Applied(long generation, String revision, List<HostPort> added, List<HostPort> kept,
                   List<HostPort> removed) implements ApplyResult {
        public Applied {
            added = List.copyOf(added);
            kept = List.copyOf(kept);
            removed = List.copyOf(removed);
        }
    }

    /**
     * An address could not be bound. Nothing changed: every address this attempt bound
     * was closed again and the previous generation still serves.
     */
    record BindFailed(HostPort address, String cause) implements ApplyResult {
        public String message() {
            return "cannot bind " + address + ": " + cause;
        }
    }
}
