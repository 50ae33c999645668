package io.pointsman.proxy.dial;

import io.netty.channel.Channel;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveServer;

/** What a mode adds to a dial: its server connections' pipeline, and reuse of idle ones. */
public interface ServerSide {
    /**
     * Adds the mode's handlers to a new connection to {@code server}, once it is registered
     * on the client's event loop (AUTO_READ off).
     */
    void initChannel(Channel ch, LiveBackend backend, LiveServer server);

    /**
     * An open idle connection to {@code server} on this event loop that the dial may use
     * instead of connecting (http's keep-alive pool, as {@code http_reuse} allows), or null.
     * It must go where a new connection would ({@link ServerDialer#target()}): a server
     * without a port, or given by name, is not always at one address.
     */
    default Channel idle(LiveBackend backend, LiveServer server) {
        return null;
    }

    /** Whether a new server connection lets each direction be shut down on its own (tcp's half close). */
    default boolean halfClosure() {
        return false;
    }
}
