package io.pointsman.proxy.testing;

import io.netty.channel.epoll.Epoll;
import io.pointsman.proxy.runtime.Transport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The transports a behaviour test runs under: NIO always, native epoll where it loads
 * (the default then). Use with {@code @ParameterizedTest @MethodSource(Transports.ALL)}.
 */
public final class Transports {
    public static final String ALL = "io.pointsman.proxy.testing.Transports#all";

    private Transports() {
    }

    public static Stream<Named<Transport>> all() {
        Stream<Transport> ts = Epoll.isAvailable() ? Stream.of(Transport.epoll(), Transport.nio()) : Stream.of(Transport.nio());
        return ts.map(t -> Named.of(t.name(), t));
    }
}
