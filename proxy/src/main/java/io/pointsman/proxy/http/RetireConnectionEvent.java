package io.pointsman.proxy.http;

import io.netty.channel.Channel;

/**
 * Asks an http-mode client connection to end gracefully: at once when it is idle between
 * requests, otherwise after the response in progress (which carries
 * {@code Connection: close}). Meant for closing old generations
 * ({@code max_old_generations}) without cutting a response in half; the runtime today
 * closes connections outright, see {@link #retire(Channel)}.
 */
public enum RetireConnectionEvent {
    INSTANCE;

    /**
     * Retires {@code client} gracefully if it is an http-mode connection; returns false
     * (and does nothing) for other connections, which the caller closes itself.
     */
    public static boolean retire(Channel client) {
        if (client.pipeline().get(HttpPipeline.PROXY) == null) {
            return false;
        }
        client.eventLoop().execute(() -> client.pipeline().fireUserEventTriggered(INSTANCE));
        return true;
    }
}
