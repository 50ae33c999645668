package io.pointsman.proxy.config;

import java.time.Duration;

/**
 * Process-wide settings.
 *
 * @param maxconn             client connections at once over all frontends; past it new ones wait in the accept backlog
 * @param threads             event-loop threads; 0 = one per core
 * @param nolinger            close client sockets with SO_LINGER 0 (HAProxy {@code option nolinger})
 * @param hardStopAfter       connections still on an older generation are closed this long after the swap that retired it; null = never
 * @param maxOldGenerations   at most this many old generations keep connections alive (default 8)
 * @param tlsDefaults         TLS policy of binds that do not set it (HAProxy {@code ssl-default-bind-*})
 * @param serverTlsDefaults   TLS to servers where a backend's {@code tls:} does not set it (HAProxy {@code ssl-default-server-*})
 */
public record Global(
        Integer maxconn,
        Integer threads,
        Boolean nolinger,
        Duration hardStopAfter,
        Integer maxOldGenerations,
        TlsDefaults tlsDefaults,
        ServerTls serverTlsDefaults) {

    public Global(Integer maxconn, Integer threads, Boolean nolinger, Duration hardStopAfter, Integer maxOldGenerations) {
        this(maxconn, threads, nolinger, hardStopAfter, maxOldGenerations, null, null);
    }

    public Global(Integer maxconn, Integer threads, Boolean nolinger, Duration hardStopAfter, Integer maxOldGenerations,
                  TlsDefaults tlsDefaults) {
        this(maxconn, threads, nolinger, hardStopAfter, maxOldGenerations, tlsDefaults, null);
    }
}
