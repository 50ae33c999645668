package io.pointsman.proxy.tcp;

/**
 * User events by which the handlers in front of the relay (PROXY header, SNI peek)
 * tell it what they learned. The relay routes on {@link Ready}.
 */
public sealed interface RoutingFactsEvent permits ProxiedAddresses, RoutingFactsEvent.Ready {

    /** Every fact is known: route now. */
    enum Ready implements RoutingFactsEvent { INSTANCE }
}
