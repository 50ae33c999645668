package io.pointsman.proxy.runtime;

import io.netty.channel.Channel;

/**
 * Builds the pipeline of an accepted client connection for one proxy mode. The accept
 * path is mode-agnostic: it pins the connection to a generation and a frontend, then
 * asks the frontend's mode for its pipeline. TCP is {@code io.pointsman.proxy.tcp};
 * HTTP plugs in here.
 */
@FunctionalInterface
public interface FrontendPipeline {
    /** Called on the connection's event loop before it is active; AUTO_READ is off. */
    void init(Channel client, ConnectionContext context);
}
