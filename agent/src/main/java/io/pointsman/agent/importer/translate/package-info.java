/**
 * haproxy.cfg (parsed) → proxy.yaml, keyword family by keyword family, every line
 * accounted for.
 *
 * <p>Starting point: {@link io.pointsman.agent.importer.translate.Translator#translate}. Each
 * proxy's lines, defaults included ({@code ProxyView}), go through {@code KeywordTable} to one
 * handler per family ({@code BasicKeywords}, {@code TimeoutKeywords}, {@code BindKeywords},
 * {@code ServerKeywords}, {@code RoutingKeywords}, {@code StatsKeywords},
 * {@code OptionKeywords}; {@code UnsupportedKeywords} holds what Pointsman cannot express yet
 * and why; {@code GlobalKeywords} the global section), which fill a {@code ProxyDraft} and
 * record each line's outcome ({@code LineOutcomes}); {@code TlsOptions} holds the TLS options
 * of bind and server lines and of the {@code ssl-default-*} globals. {@code Translator} then
 * settles what spans lines or proxies (a backend's servers: their TLS, checks, templates;
 * backends that can be routed to, the stats page, forwardfor, acl names and conditions via
 * {@code AclBook}, {@code AclTranslator} and {@code ConditionTranslator}),
 * {@code YamlAssembler} writes proxy.yaml and {@code TranslationReport} the report.
 * {@link io.pointsman.agent.importer.translate.RouteCaseGenerator} finds, with Pointsman's own
 * router, a request per translated rule for tests/routes.yaml.
 *
 * <p>To translate a keyword Pointsman has learnt: register its handler in its family's
 * {@code register} (it replaces the {@code UnsupportedKeywords} entry) and extend
 * {@code YamlAssembler}; the differential test shows whether it routes as HAProxy does.
 */
package io.pointsman.agent.importer.translate;
