package io.pointsman.proxy.tcp;

import java.net.InetSocketAddress;

/**
 * User events by which the handlers in front of the relay (PROXY header, SNI peek)
 * tell it what they learned. The relay routes on {@link Ready}.
 */
sealed interface RoutingFactsEvent {

    /** The original client and destination from a PROXY protocol header. */
    record ProxiedAddresses(InetSocketAddress source, InetSocketAddress destination) implements RoutingFactsEvent {
    }

    /** Every fact is known: route now. */
    enum Ready implements RoutingFactsEvent { INSTANCE }
}
