package io.pointsman.proxy.config;

import java.time.Duration;
import java.util.List;

/**
 * Process-wide settings.
 *
 * @param maxconn             client connections at once over all frontends; past it new ones wait in the accept backlog
 * @param threads             event-loop threads; 0 = one per core
 * @param nolinger            close client sockets with SO_LINGER 0 (HAProxy {@code option nolinger})
 * @param hardStopAfter       connections still on an older generation are closed this long after the swap that retired it; null = never
 * @param maxOldGenerations   at most this many old generations keep connections alive (default 8)
 * @param log                 log targets (syslog over UDP/TCP, the local socket, stderr); none = access
 *                            lines to stderr in the {@code io.pointsman.access} logger's shape
 * @param resolvers           how server host names are resolved and how often again (default: the
 *                            system resolver, every 10 s)
 * @param tlsDefaults         TLS policy of binds that do not set it (HAProxy {@code ssl-default-bind-*})
 * @param serverTlsDefaults   TLS to servers where a backend's {@code tls:} does not set it (HAProxy {@code ssl-default-server-*})
 */
public record Global(
        Integer maxconn,
        Integer threads,
        Boolean nolinger,
        Duration hardStopAfter,
        Integer maxOldGenerations,
        List<LogTarget> log,
        Resolvers resolvers,
        TlsDefaults tlsDefaults,
        ServerTls serverTlsDefaults) {

    public Global {
        log = Lists.of(log);
    }

    public Global(Integer maxconn, Integer threads, Boolean nolinger, Duration hardStopAfter,
                  Integer maxOldGenerations) {
        this(maxconn, threads, nolinger, hardStopAfter, maxOldGenerations, null, null, null, null);
    }

    public Global(Integer maxconn, Integer threads, Boolean nolinger, Duration hardStopAfter,
                  Integer maxOldGenerations, List<LogTarget> log, Resolvers resolvers) {
        this(maxconn, threads, nolinger, hardStopAfter, maxOldGenerations, log, resolvers, null, null);
    }

    /** Without log targets or resolvers. */
    public Global(Integer maxconn, Integer threads, Boolean nolinger, Duration hardStopAfter,
                  Integer maxOldGenerations, TlsDefaults tlsDefaults) {
        this(maxconn, threads, nolinger, hardStopAfter, maxOldGenerations, null, null, tlsDefaults, null);
    }
}
