package io.pointsman.proxy.testing;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.pointsman.proxy.runtime.Transport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The transports a behaviour test runs under: NIO always, io_uring and native epoll
 * where they load (io_uring is the default then, epoll its fallback). Use with {@code @ParameterizedTest @MethodSource(Transports.ALL)}.
 */
public final class Transports {
    public static final String ALL = "io.pointsman.proxy.testing.Transports#all";

    private Transports() {
    }

    public static Stream<Named<Transport>> all() {
        Stream.Builder<Transport> ts = Stream.builder();
        if (IoUring.isAvailable()) {
            ts.add(Transport.ioUring());
        }
        if (Epoll.isAvailable()) {
            ts.add(Transport.epoll());
        }
        return ts.add(Transport.nio()).build().map(t -> Named.of(t.name(), t));
    }
}
