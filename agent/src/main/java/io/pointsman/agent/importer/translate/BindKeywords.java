package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.KeywordCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code bind ADDRESS[,ADDRESS…] [OPTIONS]}: addresses, {@code accept-proxy}, {@code ssl crt}. */
final class BindKeywords {
    /** Options that change nothing Pointsman does. */
    private static final Set<String> NOT_NEEDED = Set.of("name", "id", "process", "thread", "nice", "backlog",
            "defer-accept", "tfo", "mss", "user", "group", "uid", "gid", "mode", "level", "severity-output",
            "expose-fd", "shards", "label", "guid-prefix", "idle-ping", "cc", "tcp-ss");
    /** TLS options: SPEC §9. */
    private static final Set<String> TLS = Set.of("alpn", "npn", "ciphers", "ciphersuites", "curves", "ecdhe",
            "ssl-min-ver", "ssl-max-ver", "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13",
            "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13", "no-tls-tickets",
            "tls-tickets", "ca-file", "verify", "crl-file", "strict-sni", "no-strict-sni", "prefer-client-ciphers",
            "allow-0rtt", "generate-certificates", "ca-sign-file", "ca-sign-pass", "ca-sign-passphrase",
            "ca-verify-file", "ca-ignore-err", "crt-ignore-err", "tls-ticket-keys", "ocsp-update", "no-ca-names",
            "crt-list", "sigalgs", "client-sigalgs", "default-crt", "no-alpn", "ech", "ktls");

    private BindKeywords() {}

    static void register(KeywordTable t) {
        t.on("bind", BindKeywords::bind);
    }

    private static void bind(CfgLine l, ProxyContext c) {
        if (!c.draft.frontendSide()) {
            c.notApplicable(l);
            return;
        }
        if (l.size() < 2) {
            c.error(l, "'bind' expects an address");
            return;
        }
        KeywordCatalog catalog = KeywordCatalog.get();
        List<String> left = new ArrayList<>();
        List<String> crts = new ArrayList<>();
        boolean ssl = false;
        boolean acceptProxy = false;
        for (int i = 2; i < l.size(); i++) {
            String opt = l.word(i);
            int arity = catalog.bindOptionArity(opt);
            if (arity < 0) {
                c.error(l, "unknown keyword '" + opt + "' on the bind line");
                return;
            }
            String arg = arity > 0 ? l.word(i + 1) : null;
            if (arity > 0 && arg == null) {
                c.error(l, "'" + opt + "' on the bind line expects an argument");
                return;
            }
            i += arity;
            switch (opt) {
                case "accept-proxy" -> acceptProxy = true;
                case "ssl" -> ssl = true;
                case "crt" -> crts.add(arg);
                case "v4v6", "v6only" -> { }
                default -> {
                    if (NOT_NEEDED.contains(opt)) {
                        continue;
                    }
                    left.add(opt + (arg == null ? "" : " " + arg) + (TLS.contains(opt)
                            ? " (TLS settings: not supported by Pointsman yet, SPEC §9)" : ""));
                }
            }
        }
        String crt = null;
        if (ssl) {
            if (crts.size() == 1) {
                crt = c.translation.certificatePath(crts.get(0));
                if (crt.endsWith("/")) {
                    left.add("crt " + crts.get(0) + " (a directory of certificates: not supported by Pointsman yet, SPEC §9)");
                    crt = null;
                }
            } else if (crts.isEmpty()) {
                c.error(l, "'ssl' on a bind line needs a certificate ('crt')");
                return;
            } else {
                left.add("several crt (SNI-picked certificates: not supported by Pointsman yet, SPEC §9)");
            }
            if (crt == null) {
                c.notTranslated(l, String.join("; ", left));
                return;
            }
        }
        boolean anyAddress = false;
        for (String address : l.word(1).split(",")) {
            if (address.isEmpty()) {
                continue;
            }
            Addresses.Result r = Addresses.bind(address);
            if (r.invalid()) {
                c.error(l, r.failure());
                return;
            }
            if (r.failure() != null) {
                left.add(r.failure());
                continue;
            }
            anyAddress = true;
            c.draft.binds.add(new ProxyDraft.BindDraft(r.value(), l, crt, acceptProxy));
            if (r.note() != null) {
                c.note(l, r.note());
            }
        }
        if (!anyAddress) {
            c.notTranslated(l, String.join("; ", left));
            return;
        }
        c.translated(l);
        if (!left.isEmpty()) {
            c.notTranslated(l, String.join("; ", left));
        }
    }
}
