package io.pointsman.proxy.dial;

import io.netty.channel.Channel;
import io.pointsman.proxy.runtime.LiveServer;

/**
 * Hears how a dial goes, on the client's event loop. Exactly one of {@link #connected} and
 * {@link #failed} ends a dial; nothing is heard after {@link ServerDialer#abort()}.
 */
public interface DialListener {
    /**
     * A server was picked and its slot taken: an attempt starts (the first, or a retry).
     * The server is the dialer's {@link ServerDialer#server()} from now on.
     */
    default void attempting(LiveServer server) {
    }

    /**
     * The connection to {@link ServerDialer#server()} is ready, its slot held.
     *
     * @param reused an idle connection the mode handed back ({@link ServerSide#idle}), not a new one
     */
    void connected(Channel server, boolean reused);

    /** No server connection; the slot, if one was taken, is given back. */
    void failed(DialFailure why);
}
