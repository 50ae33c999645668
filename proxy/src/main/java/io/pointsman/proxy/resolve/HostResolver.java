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

    @Override
    default void close() {
    }

    /** The JVM's resolver (the system's: /etc/hosts, /etc/resolv.conf). */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
}
