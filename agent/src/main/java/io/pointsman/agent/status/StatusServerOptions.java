package io.pointsman.agent.status;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the status listener runs.
 *
 * @param bind              {@code --status-bind}, default {@code 127.0.0.1:9900}; port 0 picks a free one
 * @param tokenFile         {@code --status-token-file}, or null: then every request is allowed,
 *                          and only a loopback bind is accepted
 * @param webhookSecretFile {@code --webhook-secret-file}, or null: then {@code /hooks/git} is off (404)
 */
public record StatusServerOptions(InetSocketAddress bind, Path tokenFile, Path webhookSecretFile) {
    public static final int DEFAULT_PORT = 9900;

    public StatusServerOptions {
        Objects.requireNonNull(bind, "bind");
    }

    public static StatusServerOptions loopback(int port) {
        return new StatusServerOptions(new InetSocketAddress("127.0.0.1", port), null, null);
    }

    public StatusServerOptions withTokenFile(Path f) {
        return new StatusServerOptions(bind, f, webhookSecretFile);
    }

    public StatusServerOptions withWebhookSecretFile(Path f) {
        return new StatusServerOptions(bind, tokenFile, f);
    }
}
