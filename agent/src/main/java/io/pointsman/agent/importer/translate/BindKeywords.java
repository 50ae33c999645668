package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.KeywordCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code bind ADDRESS[,ADDRESS…] [OPTIONS]}: addresses, {@code accept-proxy}, and the TLS of
 * {@code ssl crt …} ({@link TlsOptions.Bind}; settled per frontend by {@link Translator}).
 */
final class BindKeywords {
    /** Options that change nothing Pointsman does. */
    private static final Set<String> NOT_NEEDED = Set.of("name", "id", "process", "thread", "nice", "backlog",
            "defer-accept", "tfo", "mss", "user", "group", "uid", "gid", "mode", "level", "severity-output",
            "expose-fd", "shards", "label", "guid-prefix", "idle-ping", "cc", "tcp-ss");
    /** TLS options Pointsman has no equivalent for, each with the reason. */
    private static final java.util.Map<String, String> TLS_LEFT = java.util.Map.ofEntries(
            java.util.Map.entry("strict-sni", "Pointsman answers a name it has no certificate for with its first"
                    + " certificate; strict-sni refuses the handshake"),
            java.util.Map.entry("crt-list", "certificate lists have no Pointsman equivalent (cert, certificates and"
                    + " cert_dir have)"),
            java.util.Map.entry("npn", "Pointsman offers ALPN, not NPN"),
            java.util.Map.entry("prefer-client-ciphers", "Pointsman picks ciphers in its own order"),
            java.util.Map.entry("curves", "Pointsman uses its TLS library's groups"),
            java.util.Map.entry("ecdhe", "Pointsman uses its TLS library's groups"),
            java.util.Map.entry("sigalgs", "Pointsman uses its TLS library's signature algorithms"),
            java.util.Map.entry("client-sigalgs", "Pointsman uses its TLS library's signature algorithms"),
            java.util.Map.entry("ca-ignore-err", "Pointsman ends the handshake on any client certificate error"),
            java.util.Map.entry("crt-ignore-err", "Pointsman ends the handshake on any client certificate error"),
            java.util.Map.entry("ca-verify-file", "client certificates chain to client_ca alone"),
            java.util.Map.entry("no-ca-names", "Pointsman sends client_ca's names when it asks for a certificate"),
            java.util.Map.entry("allow-0rtt", "Pointsman accepts no TLS early data"),
            java.util.Map.entry("tls-ticket-keys", "Pointsman makes its own ticket keys"),
            java.util.Map.entry("generate-certificates", "Pointsman does not make certificates"),
            java.util.Map.entry("ca-sign-file", "Pointsman does not make certificates"),
            java.util.Map.entry("ca-sign-pass", "Pointsman does not make certificates"),
            java.util.Map.entry("ca-sign-passphrase", "Pointsman does not make certificates"),
            java.util.Map.entry("ocsp-update", "Pointsman does not staple OCSP responses"),
            java.util.Map.entry("default-crt", "the default certificate is the first crt"),
            java.util.Map.entry("ech", "Pointsman has no encrypted ClientHello"),
            java.util.Map.entry("ktls", "kernel TLS offload is HAProxy's"));

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
        TlsOptions.Bind tls = new TlsOptions.Bind();
        List<String> tlsWords = new ArrayList<>();
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
            String[] error = new String[1];
            switch (opt) {
                case "accept-proxy" -> acceptProxy = true;
                case "ssl" -> ssl = true;
                case "v4v6", "v6only" -> { }
                case "crt" -> {
                    tlsWords.add(opt);
                    String path = c.translation.certificatePath(arg);
                    if (path.endsWith("/") || c.translation.isDirectory(path)) {
                        if (tls.certDir != null) {
                            tls.left.add("crt " + arg + ": Pointsman reads one certificate directory per bind");
                        } else {
                            tls.certDir = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1)
                                    : path;
                        }
                    } else {
                        tls.certs.add(path);
                    }
                }
                case "ca-file" -> {
                    tlsWords.add(opt);
                    tls.clientCa = c.translation.caPath(arg);
                }
                case "crl-file" -> {
                    tlsWords.add(opt);
                    tls.crl = c.translation.caPath(arg);
                }
                case "verify" -> {
                    tlsWords.add(opt);
                    if (!List.of("none", "optional", "required").contains(arg)) {
                        c.error(l, "verify '" + arg + "': expected none, optional or required");
                        return;
                    }
                    tls.verify = arg;
                }
                default -> {
                    if (NOT_NEEDED.contains(opt)) {
                        continue;
                    }
                    if (tls.apply(opt, arg, error)) {
                        tlsWords.add(opt);
                        if (error[0] != null) {
                            c.error(l, error[0]);
                            return;
                        }
                    } else if (TLS_LEFT.containsKey(opt)) {
                        tlsWords.add(opt);
                        tls.left.add(opt + (arg == null ? "" : " " + arg) + ": " + TLS_LEFT.get(opt));
                    } else {
                        left.add(opt + (arg == null ? "" : " " + arg) + ": no Pointsman equivalent");
                    }
                }
            }
        }
        if (ssl) {
            if (tls.certs.isEmpty() && tls.certDir == null) {
                c.error(l, "'ssl' on a bind line needs a certificate ('crt')");
                return;
            }
            if (tls.verify != null && !tls.verify.equals("none") && tls.clientCa == null) {
                c.error(l, "verify " + tls.verify + " needs a ca-file (HAProxy refuses it without one)");
                return;
            }
            if (tls.verify == null || tls.verify.equals("none")) {
                // HAProxy's default: no client certificate is asked for, so ca-file and crl-file are not used
                if (tls.clientCa != null || tls.crl != null) {
                    c.note(l, "ca-file/crl-file are not used without verify optional|required (no client"
                            + " certificate is asked for, as in HAProxy)");
                }
                tls.clientCa = null;
                tls.crl = null;
                tls.verify = null;
            }
            left.addAll(tls.left);
        } else if (!tlsWords.isEmpty()) {
            c.note(l, String.join(", ", tlsWords) + " without 'ssl': not used, as in HAProxy");
            tls = null;
        } else {
            tls = null;
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
            c.draft.binds.add(new ProxyDraft.BindDraft(r.value(), l, tls, acceptProxy));
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
