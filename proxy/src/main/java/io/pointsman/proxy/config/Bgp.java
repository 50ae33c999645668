package io.pointsman.proxy.config;

import java.time.Duration;
import java.util.List;

/**
 * What the agent renders into a BIRD 2 include (SPEC §13): the host routes this node
 * announces over BGP while it serves. {@code configPath} and {@code controlSocket} may
 * only be set in host files. The proxy ignores this section.
 *
 * @param announce      host routes, {@code /32} (IPv4) or {@code /128} (IPv6); a bare address
 *                      means its host route
 * @param configPath    where the include goes; the operator's bird.conf includes it
 * @param controlSocket BIRD's control socket, for {@code birdc -s SOCKET configure}
 * @param withdrawWhen  what withdraws the routes; absent = every {@link WithdrawWhen}
 * @param drain         on a planned stop: time between the withdrawal and closing the
 *                      listeners, so connections in flight can finish; absent = {@link #DEFAULT_DRAIN}
 */
public record Bgp(
        List<String> announce,
        String configPath,
        String controlSocket,
        List<WithdrawWhen> withdrawWhen,
        Duration drain) {

    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    public Bgp {
        announce = Lists.of(announce);
        withdrawWhen = withdrawWhen == null ? null : Lists.of(withdrawWhen);
    }

    /** True when {@code when} withdraws the routes (every trigger, unless {@code withdraw_when} lists some). */
    public boolean withdrawsWhen(WithdrawWhen when) {
        return withdrawWhen == null || withdrawWhen.contains(when);
    }

    public Duration drainOrDefault() {
        return drain != null ? drain : DEFAULT_DRAIN;
    }

    /** What withdraws a node's routes. */
    public enum WithdrawWhen {
        /** The proxy serves no good generation: before the first apply, and when the process is gone. */
        NOT_SERVING,
        /** A planned stop: withdraw, wait {@code drain}, then close the listeners. */
        STOPPING,
        /** Syncing is suspended ({@code POST /suspend}, {@code sync.suspend}). */
        SUSPENDED
    }
}
