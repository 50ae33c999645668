package io.pointsman.proxy.rules;

import io.netty.util.NetUtil;
import io.pointsman.proxy.config.ForwardFor;
import io.pointsman.proxy.routing.CidrTrie;

import java.net.InetAddress;

/**
 * A frontend's {@code forwardfor} made ready: whether a client's address is added, and
 * under which header. Immutable; built once per generation.
 */
public final class Forwarding {
    public static final Forwarding OFF = new Forwarding(null);

    private final ForwardFor config;
    private final CidrTrie except;

    private Forwarding(ForwardFor config) {
        this.config = config;
        this.except = config == null || config.except().isEmpty() ? null : new CidrTrie(config.except());
    }

    public static Forwarding of(ForwardFor config) {
        return config == null ? OFF : new Forwarding(config);
    }

    /** The address to add for this client (as HAProxy writes it), or null: none added ({@code except}, or off). */
    public String forwardedFor(InetAddress client) {
        if (config == null || client == null || (except != null && except.contains(client))) {
            return null;
        }
        return NetUtil.toAddressString(client);
    }

    /** The header to put it in ({@code header}, default X-Forwarded-For). */
    public String header() {
        return config == null ? ForwardFor.DEFAULT_HEADER : config.headerOrDefault();
    }

    /** Add it only when the request has none ({@code if_none}). */
    public boolean ifNone() {
        return config != null && Boolean.TRUE.equals(config.ifNone());
    }

    /** Whether {@code forwardfor} is on at all. */
    public boolean on() {
        return config != null;
    }

}
