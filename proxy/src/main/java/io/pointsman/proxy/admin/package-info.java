/**
 * Runtime server state (SPEC §11; HAProxy's {@code set server … state|weight} on the stats
 * socket): a server drained, put in maintenance or given another weight without a commit,
 * kept across config swaps while the server exists.
 *
 * <p>Starting points: {@link io.pointsman.proxy.admin.ServerOverrides} (the registry the
 * runtime owns: one {@link io.pointsman.proxy.admin.OverrideCell} per backend and server
 * name, shared by every generation that has that server, so a balancer's pick reads an
 * override with one field read; {@code retain} after each swap drops the overrides of
 * servers a commit removed and says which), {@link io.pointsman.proxy.admin.ServerOverride}
 * (state, weight, reason, when, until), {@link io.pointsman.proxy.admin.AdminState}
 * ({@code ready}, {@code drain}, {@code maint}) and
 * {@link io.pointsman.proxy.admin.WeightOverride} ({@code 50} or {@code 50%}).
 *
 * <p>What the proxy does with them: a drained or maintained server takes no new connection
 * or request from any algorithm (source hash included: its clients go to their next best
 * server); what it serves already finishes. A weight override is the weight the balancers
 * use. Health checks keep running in {@code maint} (HAProxy stops them), so leaving
 * maintenance shows the server's real health at once. Persistence, history, the HTTP API
 * and notifications are the agent's.
 */
package io.pointsman.proxy.admin;
