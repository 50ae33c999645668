/**
 * Runtime server state (SPEC §11): drain a server, put it in maintenance or change its
 * weight without a commit, as HAProxy's stats socket does, through {@code GET /servers},
 * {@code POST} and {@code DELETE /servers/<backend>/<server>}, {@code pointsman server …}
 * and the stats page's admin form.
 *
 * <p>Starting point: {@link io.pointsman.agent.servers.ServerStateService}, the one place a
 * runtime change goes through: checked ({@link io.pointsman.agent.servers.ServerChange}:
 * state, weight, reason, ttl; bad input is refused whole), put into the proxy's
 * {@link io.pointsman.proxy.admin.ServerOverrides}, written to {@code state-dir/overrides.json}
 * (so it survives a restart; {@link io.pointsman.agent.servers.OverrideFile}), recorded in
 * the node's history and sent to the notifier. A {@code ttl} ends an override by itself;
 * a commit that removes the server drops it, said in {@code /status}, history and a
 * notification.
 *
 * <p>Threads: changes come from the status API's workers and the stats page's admin worker
 * and are serialized here; ttl expiries run on one timer thread of this service. Nothing
 * here runs on an event loop.
 */
package io.pointsman.agent.servers;
