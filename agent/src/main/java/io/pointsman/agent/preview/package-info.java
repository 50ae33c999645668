/**
 * Previews for pull requests (SPEC §11, {@code pointsman diff}): what a change to the config
 * repo does on each node, before it is merged: frontends, backends, servers, binds, rules,
 * keepalived added, removed or changed, and the route tests' results, as text, markdown (for
 * a pull-request comment) or JSON.
 *
 * <p>Starting points: {@link io.pointsman.agent.preview.ConfigSource} (a revision of a checkout
 * or a directory, read as the agent would read it), {@link io.pointsman.agent.preview.Preview}
 * (one node: load both sides, diff, run the tests) and
 * {@link io.pointsman.agent.preview.PreviewReport} (the three formats).
 * {@link io.pointsman.agent.preview.Checkout} opens the git repository a directory is in; the
 * fleet view uses it too.
 */
package io.pointsman.agent.preview;
