/**
 * haproxy.cfg as HAProxy reads it, 1.4 to 3.x, learnt from HAProxy's own parser
 * (src/cfgparse.c, src/tools.c {@code parse_line()}, src/acl.c) and written anew.
 *
 * <p>Starting point: {@link io.pointsman.agent.importer.haproxy.HaproxyParser#parse}, which
 * gives a {@link io.pointsman.agent.importer.haproxy.HaproxyConfig}: sections of
 * {@link io.pointsman.agent.importer.haproxy.CfgLine}s (words after quoting, escapes and
 * {@code "${VAR}"}; line numbers kept) and {@link io.pointsman.agent.importer.haproxy.ParseFinding}s
 * (what HAProxy would refuse, ignore or say). {@link io.pointsman.agent.importer.haproxy.LineSplitter}
 * is {@code parse_line()}; {@link io.pointsman.agent.importer.haproxy.KeywordCatalog} knows every
 * keyword of every version and where it may stand (resource {@code keywords.txt});
 * {@link io.pointsman.agent.importer.haproxy.AclExpr} and
 * {@link io.pointsman.agent.importer.haproxy.RuleCondition} read acl expressions and
 * {@code if}/{@code unless} conditions. HAProxy has no line continuation: a trailing
 * backslash is a literal word, as it is here.
 */
package io.pointsman.agent.importer.haproxy;
