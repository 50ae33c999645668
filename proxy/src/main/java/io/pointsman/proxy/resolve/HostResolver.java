package io.pointsman.proxy.resolve;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves host names, blocking: called on the apply thread or the re-resolution thread,
 * never on an event loop.
 */
public interface HostResolver extends AutoCloseable {

    /** Every address of {@code host} (A and AAAA), in the answer's order; never empty. */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /**
     * The records of an SRV name ({@code _http._tcp.web.example}), by priority then weight;
     * never empty. The system resolver has none (validation asks for name servers).
     */
    default List<SrvTarget> srv(String name) throws UnknownHostException {
        throw new UnknownHostException(name + ": SRV records need global.resolvers.nameservers");
    }

    @Override
    default void close() {
    }

    /** One SRV record: where a service instance listens, and its share. */
    record SrvTarget(String host, int port, int priority, int weight) {
    }

    /** The JVM's resolver (the system's: /etc/hosts, /etc/resolv.conf). */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
}
