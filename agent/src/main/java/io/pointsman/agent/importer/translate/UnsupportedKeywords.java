package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import java.util.Set;

/**
 * Proxy keywords Pointsman cannot express today, each with the reason the report gives (and
 * the SPEC section that adds it, where one does). Registered first, so that a family's own
 * handler replaces an entry here once it is translated.
 */
final class UnsupportedKeywords {
    private static final Set<String> LEGACY_FILTERS = Set.of("reqdeny", "reqideny", "reqallow", "reqiallow", "reqpass",
            "reqipass", "reqtarpit", "reqitarpit", "rspdeny", "rspideny");

    private UnsupportedKeywords() {}

    static void register(KeywordTable t) {
        t.on("http-after-response", (l, c) -> c.notTranslated(l, "http-after-response rules (on the proxy's own"
                + " answers too) have no Pointsman equivalent"));
        t.on(LEGACY_FILTERS, (l, c) -> c.notTranslated(l, "'" + l.keyword() + "' is HAProxy 1.x filtering by header"
                + " regex (2.1 and later refuse it): write it as an acl and an http_request rule"));
        t.on(Set.of("reqsetbe", "reqisetbe"), (l, c) -> c.notTranslated(l, "'" + l.keyword() + "' is HAProxy 1.4"
                + " backend switching by header regex: no Pointsman equivalent (write a use_backend with an acl)"));
        t.on(Set.of("errorloc", "errorloc302", "errorloc303"), (l, c) -> c.notTranslated(l,
                "an error answered by a redirect has no Pointsman equivalent (errorfiles hold whole responses)"));
        t.on(Set.of("errorfiles", "http-error"), (l, c) -> c.notTranslated(l, "http-errors sections and http-error"
                + " have no Pointsman equivalent; write the pages as errorfile lines"));
        t.on(Set.of("stick-table", "stick", "tcp-request", "tcp-response"), UnsupportedKeywords::tcpRules);
        t.on(Set.of("monitor-uri", "monitor-net", "monitor"), (l, c) -> c.notTranslated(l,
                "Pointsman answers health checks on its status listener (/healthz), not in a proxy"));
        t.on("compression", (l, c) -> c.notTranslated(l, "Pointsman does not compress responses"));
        t.on(Set.of("cookie", "persist", "use-server", "force-persist", "ignore-persist", "dispatch",
                "appsession"), (l, c) -> c.notTranslated(l, "server persistence has no Pointsman equivalent"));
        t.on("http-send-name-header", (l, c) -> c.notTranslated(l, "no Pointsman equivalent"));
        t.on(Set.of("source", "transparent", "usesrc"), (l, c) -> c.notTranslated(l,
                "a source address for server connections has no Pointsman equivalent"));
        t.on(Set.of("filter", "filter-sequence", "use-fcgi-app", "rate-limit", "max-keep-alive-queue",
                "email-alert", "external-check", "load-server-state-from-file", "server-state-file-name",
                "grace", "quic-initial", "guid", "force-be-switch", "be-unpublished", "hash-balance-factor",
                "hash-preserve-affinity", "max-session-srv-conns", "hash-key", "clitcpka-cnt", "clitcpka-idle",
                "clitcpka-intvl", "srvtcpka-cnt", "srvtcpka-idle", "srvtcpka-intvl", "crt"), (l, c) -> c.notTranslated(l,
                "no Pointsman equivalent"));
    }



    /** tcp-request: the SNI-routing idiom is not needed, the rest is not supported yet. */
    private static void tcpRules(CfgLine l, ProxyContext c) {
        if (l.keyword().equals("tcp-request") && c.draft.frontendSide()
                && ("inspect-delay".equals(l.word(1)) || ("content".equals(l.word(1)) && "accept".equals(l.word(2))))) {
            c.draft.sniHelpers.add(l);
            return; // settled once the frontend's rules are known
        }
        c.notTranslated(l, "stick tables have no direct Pointsman equivalent (its per-frontend limits cover the"
                + " rate-limit idiom: write them by hand), nor tcp-request content rules");
    }
}
