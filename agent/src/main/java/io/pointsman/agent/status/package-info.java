/**
 * The status listener (SPEC §6, default {@code 127.0.0.1:9900}): {@code GET /status},
 * {@code /healthz}, {@code /metrics}, {@code /config}, {@code /diff}; {@code POST /sync},
 * {@code /hooks/git}, {@code /suspend}, {@code /resume}; runtime server state: {@code GET /servers},
 * {@code POST} and {@code DELETE /servers/<backend>/<server>} (handed to
 * {@link io.pointsman.agent.servers.ServerStateService}).
 *
 * <p>Starting points: {@link io.pointsman.agent.status.StatusServer} (Netty HTTP with its own
 * one-thread event loop; refuses a non-loopback bind without a token file),
 * {@link io.pointsman.agent.status.StatusHandler} (the routes), and
 * {@link io.pointsman.agent.status.WebhookVerifier} / {@link io.pointsman.agent.status.BearerToken}
 * (constant-time checks). Anything that blocks (git, state writes, the applier) runs on a
 * worker thread, never on the event loop.
 */
package io.pointsman.agent.status;
