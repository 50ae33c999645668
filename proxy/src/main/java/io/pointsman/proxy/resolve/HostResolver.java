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

    /** The targets of an SRV name ({@code _http._tcp.web.example}), by priority then weight. */
    List<SrvTarget> srv(String name) throws UnknownHostException;

    @Override
    default void close() {
    }

    /** One SRV answer: where a service instance listens. */
    record SrvTarget(String host, int port, int priority, int weight) {
    }

    /** The JVM's resolver (the system's: /etc/hosts, /etc/resolv.conf); no SRV. */
    HostResolver SYSTEM = new HostResolver() {
        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            return List.of(InetAddress.getAllByName(host));
        }

        @Override
        public List<SrvTarget> srv(String name) throws UnknownHostException {
            throw new UnknownHostException("SRV records need global.resolvers.nameservers (the system resolver has none)");
        }
    };
}
