/**
 * {@code pointsman import} (SPEC §12): an existing haproxy.cfg (HAProxy 1.4 to 3.x) and
 * keepalived.conf files become a Pointsman config repo that routes the same, with a report of
 * every line left out.
 *
 * <p>Starting point: {@link io.pointsman.agent.importer.HaproxyImport#run}. The pipeline, one
 * package per step:
 * <ol>
 *   <li>{@link io.pointsman.agent.importer.haproxy}: haproxy.cfg read as HAProxy reads it
 *       (words, quoting, variables, sections, {@code .if}, which keyword goes where);</li>
 *   <li>{@link io.pointsman.agent.importer.translate}: each keyword family's handler turns
 *       lines into proxy.yaml, and every line gets an outcome; route tests are generated
 *       against the imported config;</li>
 *   <li>{@link io.pointsman.agent.importer.keepalived}: keepalived.conf of one or more nodes
 *       into the shared {@code keepalived:} section and each node's host file;</li>
 *   <li>{@link io.pointsman.agent.importer.yaml}: the YAML text, with each value's source line
 *       in a comment;</li>
 *   <li>{@link io.pointsman.agent.importer.report}: the report's lines.</li>
 * </ol>
 * {@code HaproxyImport} loads what it produced exactly as the agent would before it writes
 * anything ({@code RepoWriter}: a temporary directory renamed into place), so an import
 * never leaves a repo that {@code pointsman validate} refuses. {@code ImportReadme} writes the
 * repo's README.md. The differential test against real HAProxy 2.6 is
 * {@code HaproxyDifferentialTest} (agent tests).
 */
package io.pointsman.agent.importer;
