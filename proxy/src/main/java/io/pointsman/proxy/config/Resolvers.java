package io.pointsman.proxy.config;

import java.time.Duration;
import java.util.List;

/**
 * How server host names are resolved (HAProxy's {@code resolvers} section): at apply, then
 * again every {@code interval}, off the event loops.
 *
 * @param nameservers DNS servers to ask ({@code 127.0.0.53:53}); none: the system resolver
 * @param interval    between two resolutions of the names (default 10 s; HAProxy {@code hold valid})
 * @param holdValid   how long the last good address is kept while resolution fails (default 30 s);
 *                    past it the server counts as DOWN (HAProxy {@code hold nx}/{@code hold timeout})
 */
public record Resolvers(List<HostPort> nameservers, Duration interval, Duration holdValid) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HOLD_VALID = Duration.ofSeconds(30);
    public static final Resolvers SYSTEM = new Resolvers(List.of(), DEFAULT_INTERVAL, DEFAULT_HOLD_VALID);

    public Resolvers {
        nameservers = Lists.of(nameservers);
    }
}
