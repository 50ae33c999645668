package io.pointsman.agent.importer.translate;

import io.pointsman.proxy.config.Regex;
import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.KeywordCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code server}, {@code default-server} and the health-check keywords of a backend:
 * {@code option httpchk}, {@code http-check}, the protocol checks, {@code option allbackups}.
 * Per-server check timing ({@code inter}, {@code rise}, {@code fall}) and {@code send-proxy}
 * are per backend in Pointsman; {@link Translator} reconciles them.
 */
final class ServerKeywords {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static final Set<String> TLS = Set.of("ssl", "verify", "verifyhost", "ca-file", "crt", "crl-file", "sni",
            "check-ssl", "check-sni", "check-alpn", "alpn", "npn", "ciphers", "ciphersuites", "curves", "sigalgs",
            "client-sigalgs", "no-ssl", "no-verifyhost", "ssl-min-ver", "ssl-max-ver", "no-sslv3", "no-tlsv10",
            "no-tlsv11", "no-tlsv12", "no-tlsv13", "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12",
            "force-tlsv13", "no-tls-tickets", "tls-tickets", "ssl-reuse", "no-ssl-reuse", "allow-0rtt",
            "send-proxy-v2-ssl", "send-proxy-v2-ssl-cn", "no-check-ssl", "renegotiate", "no-renegotiate", "ktls",
            "sni-auto", "no-sni-auto", "check-sni-auto", "no-check-sni-auto");
    /** An SRV name as Pointsman's server_template reads it. */
    private static final Pattern SRV_NAME = Pattern.compile(
            "_[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\._(tcp|udp)\\.[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    /** {@code sni str(NAME)}: the one form of HAProxy's sni expression that is a fixed name. */
    private static final Pattern FIXED_SNI = Pattern.compile("str\\(([A-Za-z0-9][A-Za-z0-9.-]*)\\)");
    private static final Set<String> NOT_NEEDED = Set.of("id", "pool-purge-delay", "pool-max-conn", "pool-low-conn",
            "pool-conn-name", "max-reuse", "non-stick", "stick", "tcp-ut", "tfo", "no-tfo", "log-proto", "log-bufsize",
            "guid", "shard", "hash-key", "check-pool-conn-name", "check-reuse-pool", "no-check-reuse-pool");
    private static final Set<String> DNS = Set.of("resolvers", "resolve-prefer", "resolve-net", "resolve-opts", "init-addr");
    private static final Set<String> CHECKS = Set.of("option ssl-hello-chk", "option mysql-check", "option pgsql-check",
            "option redis-check", "option smtpchk", "option ldap-check", "option spop-check", "option external-check");
    /** HAProxy's protocol check → proxy.yaml check type. */
    private static final java.util.Map<String, String> CHECK_TYPES = java.util.Map.of("ssl-hello-chk", "ssl_hello",
            "mysql-check", "mysql", "pgsql-check", "pgsql", "redis-check", "redis", "smtpchk", "smtp");

    private ServerKeywords() {}

    static void register(KeywordTable t) {
        t.on("server", ServerKeywords::server);
        t.on("default-server", ServerKeywords::defaultServer);
        t.on("server-template", ServerKeywords::serverTemplate);
        t.on("option httpchk", ServerKeywords::httpchk);
        t.on("http-check", ServerKeywords::httpCheck);
        t.on(CHECKS, ServerKeywords::protocolCheck);
        t.on("option tcp-check", ServerKeywords::tcpCheck);
        t.on("tcp-check", ServerKeywords::tcpCheckRule);
        t.on("option allbackups", (l, c) -> backendOnly(l, c, () -> {
            c.draft.allbackups = new Sourced<>(!l.negated(), l);
            c.translated(l);
        }));
    }

    private static void backendOnly(CfgLine l, ProxyContext c, Runnable r) {
        if (!c.draft.backendSide()) {
            c.notApplicable(l);
            return;
        }
        r.run();
    }

    /** {@code option ssl-hello-chk|redis-check|smtpchk|mysql-check|pgsql-check}: the check type of that name. */
    private static void protocolCheck(CfgLine l, ProxyContext c) {
        backendOnly(l, c, () -> {
            ProxyDraft.CheckDraft k = c.draft.check;
            if (l.negated() || "default".equals(l.modifier())) {
                c.translated(l);
                return;
            }
            String type = CHECK_TYPES.get(l.word(1));
            if (type == null) {
                k.unsupported = l;
                c.notTranslated(l, "option " + l.word(1) + " has no Pointsman check: servers are checked with a TCP"
                        + " connect instead");
                return;
            }
            k.reset();
            k.type = new Sourced<>(type, l);
            switch (type) {
                case "smtp" -> {
                    if (l.word(2) != null) {
                        // HAProxy sends HELO for anything but EHLO
                        k.method = new Sourced<>("EHLO".equalsIgnoreCase(l.word(2)) ? "EHLO" : "HELO", l);
                        if (l.word(3) != null) {
                            k.host = new Sourced<>(l.word(3), l);
                        }
                    }
                }
                case "mysql", "pgsql" -> {
                    if ("user".equals(l.word(2)) && l.word(3) != null) {
                        k.user = new Sourced<>(l.word(3), l);
                    } else if (type.equals("pgsql")) {
                        c.error(l, "option pgsql-check expects 'user NAME'");
                        return;
                    }
                }
                default -> { }
            }
            if (!unrunnable(l, c)) {
                c.translated(l);
            }
        });
    }

    /** {@code option tcp-check} with no {@code tcp-check} rule is a TCP connect check, Pointsman's tcp check. */
    private static void tcpCheck(CfgLine l, ProxyContext c) {
        backendOnly(l, c, () -> {
            if (l.negated() || "default".equals(l.modifier())) {
                c.translated(l);
                return;
            }
            c.draft.check.reset();
            c.draft.check.tcpCheck = l;
            c.translated(l);
        });
    }

    /**
     * {@code tcp-check connect [port N]}, {@code send STRING}, {@code expect [!] string|rstring
     * VALUE}: the steps of a {@code script} check (with {@code option tcp-check}).
     */
    private static void tcpCheckRule(CfgLine l, ProxyContext c) {
        backendOnly(l, c, () -> {
            ProxyDraft.CheckDraft k = c.draft.check;
            String what = l.word(1);
            switch (what == null ? "" : what) {
                case "connect" -> {
                    Integer port = l.size() == 4 && "port".equals(l.word(2)) ? HaproxyValues.integer(l.word(3)) : null;
                    if (!k.script.isEmpty() || l.size() > 2 && (port == null || port < 1 || port > 65535)) {
                        k.scriptBroken = l;
                        c.notTranslated(l, "tcp-check connect other than a first 'connect [port N]' has no Pointsman"
                                + " equivalent");
                        return;
                    }
                    if (port != null) {
                        k.port = new Sourced<>(port, l);
                    }
                    c.translated(l);
                }
                case "send" -> {
                    if (l.word(2) == null) {
                        c.error(l, "tcp-check send expects a string");
                        return;
                    }
                    if (l.word(2).isEmpty()) {
                        k.scriptBroken = l;
                        c.notTranslated(l, "a tcp-check send of nothing has no Pointsman equivalent");
                        return;
                    }
                    k.script.add(new Sourced<>(new String[] {"send", l.word(2)}, l));
                    c.translated(l);
                }
                case "expect" -> {
                    int i = 2;
                    if ("!".equals(l.word(i))) {
                        k.scriptBroken = l;
                        c.notTranslated(l, "a negated tcp-check expect has no Pointsman equivalent");
                        return;
                    }
                    String kind = l.word(i);
                    String v = l.word(i + 1);
                    if (v == null || v.isEmpty() || !("string".equals(kind) || "rstring".equals(kind))) {
                        k.scriptBroken = l;
                        c.notTranslated(l, "tcp-check expect " + kind + " has no Pointsman equivalent (string and"
                                + " rstring have)");
                        return;
                    }
                    String unreadable = "rstring".equals(kind) ? unreadableRegex(v) : null;
                    if (unreadable != null) {
                        k.scriptBroken = l;
                        c.notTranslated(l, unreadable);
                        return;
                    }
                    k.script.add(new Sourced<>(new String[] {kind.equals("string") ? "expect" : "expect_reg", v}, l));
                    c.translated(l);
                }
                case "comment" -> c.translated(l);
                default -> {
                    k.scriptBroken = l;
                    c.notTranslated(l, "tcp-check " + what + " has no Pointsman equivalent");
                }
            }
        });
    }

    private static void defaultServer(CfgLine l, ProxyContext c) {
        backendOnly(l, c, () -> {
            List<String> left = new ArrayList<>();
            ProxyDraft.ServerDraft probe = new ProxyDraft.ServerDraft(l, "default-server");
            if (!options(l, 1, probe, c, left)) {
                return;
            }
            c.draft.defaultServer.addAll(l.words().subList(1, l.size()));
            c.translated(l);
            if (!probe.left.isEmpty()) {
                c.notTranslated(l, String.join("; ", probe.left));
            }
        });
    }

    private static void server(CfgLine l, ProxyContext c) {
        if (!c.draft.backendSide()) {
            c.notApplicable(l);
            return;
        }
        if (l.size() < 3) {
            c.error(l, "'server' expects a name and an address");
            return;
        }
        ProxyDraft.ServerDraft s = new ProxyDraft.ServerDraft(l, l.word(1));
        // default-server options first (on a copy of the line's words), then the server's own.
        CfgLine defaults = new CfgLine(l.number(), prepend("default-server", c.draft.defaultServer), null, l.text(), List.of());
        if (!options(defaults, 1, s, c, new ArrayList<>())) {
            return;
        }
        s.left.clear();
        if (!options(l, 3, s, c, new ArrayList<>())) {
            return;
        }
        Addresses.Result a = Addresses.server(l.word(2));
        if (a.invalid()) {
            c.error(l, a.failure());
            return;
        }
        if (a.failure() != null) {
            s.failure = a.failure();
        } else {
            s.address = a.value();
        }
        c.draft.servers.add(s);
    }

    /**
     * {@code server-template PREFIX NUM|1-NUM ADDRESS [OPTIONS]}: servers PREFIX1 … PREFIXN
     * filled from DNS, a proxy.yaml {@code server_template} ({@link Translator} keeps one per
     * backend).
     */
    private static void serverTemplate(CfgLine l, ProxyContext c) {
        if (!c.draft.backendSide()) {
            c.notApplicable(l);
            return;
        }
        if (l.size() < 4) {
            c.error(l, "'server-template' expects a prefix, a number or range, and an address");
            return;
        }
        ProxyDraft.ServerDraft s = new ProxyDraft.ServerDraft(l, l.word(1));
        String num = l.word(2);
        java.util.regex.Matcher range = Pattern.compile("(\\d{1,9})(?:-(\\d{1,9}))?").matcher(num);
        if (!range.matches() || Integer.parseInt(range.group(1)) < 1
                || (range.group(2) != null && Integer.parseInt(range.group(2)) < Integer.parseInt(range.group(1)))) {
            c.error(l, "server-template: bad number or range '" + num + "'");
            return;
        }
        int low = range.group(2) == null ? 1 : Integer.parseInt(range.group(1));
        int count = range.group(2) == null ? Integer.parseInt(range.group(1)) : Integer.parseInt(range.group(2));
        CfgLine defaults = new CfgLine(l.number(), prepend("default-server", c.draft.defaultServer), null, l.text(), List.of());
        if (!options(defaults, 1, s, c, new ArrayList<>())) {
            return;
        }
        s.left.clear();
        if (!options(l, 4, s, c, new ArrayList<>())) {
            return;
        }
        String address = l.word(3);
        if (low != 1) {
            s.failure = "servers numbered from " + low + ": Pointsman's server_template numbers them from 1";
        } else if (count > io.pointsman.proxy.config.ServerTemplate.MAX_COUNT) {
            s.failure = count + " servers: Pointsman's server_template has at most "
                    + io.pointsman.proxy.config.ServerTemplate.MAX_COUNT;
        } else if (address.startsWith("_")) {
            if (address.contains(":") || !SRV_NAME.matcher(address).matches()) {
                s.failure = "'" + address + "' is not an SRV name Pointsman reads (_service._tcp.name, no port)";
            } else {
                s.address = address;
            }
        } else {
            Addresses.Result a = Addresses.server(address);
            if (a.invalid()) {
                c.error(l, a.failure());
                return;
            }
            if (a.failure() != null) {
                s.failure = a.failure();
            } else if (io.pointsman.proxy.config.Cidr.literal(Addresses.hostOf(a.value())) != null) {
                s.failure = "'" + address + "' is an IP address: Pointsman's server_template fills its servers from a"
                        + " DNS name";
            } else {
                s.address = a.value();
            }
        }
        for (String unsupported : List.of("maxqueue", "disabled")) {
            if (unsupported.equals("maxqueue") ? s.maxqueue != null : s.disabled) {
                s.left.add(unsupported + ": Pointsman's server_template has weight, check, maxconn and backup");
            }
        }
        s.templateCount = count;
        c.draft.servers.add(s);
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    /** Applies the options from word {@code from} on; false after reporting an error. */
    private static boolean options(CfgLine l, int from, ProxyDraft.ServerDraft s, ProxyContext c, List<String> unused) {
        KeywordCatalog catalog = KeywordCatalog.get();
        for (int i = from; i < l.size(); i++) {
            String opt = l.word(i);
            int arity = catalog.serverOptionArity(opt);
            if (arity == -1) {
                c.error(l, "unknown keyword '" + opt + "' on the " + l.keyword() + " line");
                return false;
            }
            if (arity == KeywordCatalog.SPECIAL) {
                // source ADDR [usesrc ADDR] [interface NAME]
                int j = i + 2;
                while (j + 1 < l.size() && (l.word(j).equals("usesrc") || l.word(j).equals("interface"))) {
                    j += 2;
                }
                s.left.add("source " + l.word(i + 1) + ": a source address for server connections has no Pointsman equivalent");
                i = j - 1;
                continue;
            }
            String arg = arity > 0 ? l.word(i + 1) : null;
            if (arity > 0 && arg == null) {
                c.error(l, "'" + opt + "' expects an argument");
                return false;
            }
            i += arity;
            if (!option(l, opt, arg, s, c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean option(CfgLine l, String opt, String arg, ProxyDraft.ServerDraft s, ProxyContext c) {
        switch (opt) {
            case "check" -> s.check = true;
            case "no-check" -> s.check = false;
            case "backup" -> s.backup = true;
            case "no-backup" -> s.backup = false;
            case "disabled" -> s.disabled = true;
            case "enabled" -> s.disabled = false;
            case "send-proxy" -> s.sendProxy = "v1";
            case "send-proxy-v2" -> s.sendProxy = "v2";
            case "no-send-proxy", "no-send-proxy-v2" -> s.sendProxy = "none";
            case "weight" -> {
                Integer w = HaproxyValues.integer(arg);
                if (w == null || w > 256) {
                    c.error(l, "weight '" + arg + "' out of range 0-256");
                    return false;
                }
                s.weight = w;
            }
            case "maxconn" -> {
                Integer m = HaproxyValues.integer(arg);
                if (m == null) {
                    c.error(l, "maxconn '" + arg + "' is not a number");
                    return false;
                }
                s.maxconn = m;
            }
            case "rise", "fall" -> {
                Integer n = HaproxyValues.integer(arg);
                if (n == null || n < 1) {
                    c.error(l, "'" + opt + "' expects a number of at least 1");
                    return false;
                }
                if (opt.equals("rise")) {
                    s.rise = n;
                } else {
                    s.fall = n;
                }
            }
            case "inter" -> {
                try {
                    Duration d = HaproxyValues.time(arg);
                    if (d.isZero()) {
                        c.error(l, "'inter' must be longer than 0");
                        return false;
                    }
                    s.interMs = Math.max(1, d.toMillis());
                } catch (IllegalArgumentException e) {
                    c.error(l, "inter: " + e.getMessage());
                    return false;
                }
            }
            case "fastinter", "downinter", "slowstart" -> {
                try {
                    long ms = Math.max(1, HaproxyValues.time(arg).toMillis());
                    switch (opt) {
                        case "fastinter" -> s.fastinterMs = ms;
                        case "downinter" -> s.downinterMs = ms;
                        default -> s.slowstartMs = ms;
                    }
                } catch (IllegalArgumentException e) {
                    c.error(l, opt + ": " + e.getMessage());
                    return false;
                }
            }
            case "port" -> {
                Integer p = HaproxyValues.integer(arg);
                if (p == null || p < 1 || p > 65535) {
                    c.error(l, "check port '" + arg + "' out of range 1-65535");
                    return false;
                }
                s.checkPort = p;
            }
            case "maxqueue" -> {
                Integer q = HaproxyValues.integer(arg);
                if (q == null) {
                    c.error(l, "maxqueue '" + arg + "' is not a number");
                    return false;
                }
                s.maxqueue = q;
            }
            case "on-marked-down" -> {
                if ("shutdown-sessions".equals(arg)) {
                    s.onMarkedDown = "shutdown_sessions";
                } else {
                    s.left.add("on-marked-down " + arg + ": Pointsman has shutdown-sessions only");
                }
            }
            case "addr" -> s.left.add("addr " + arg + ": checks on another address have no Pointsman equivalent");
            case "on-marked-up", "observe", "error-limit", "on-error" ->
                    s.left.add(opt + (arg == null ? "" : " " + arg) + ": no Pointsman equivalent");
            case "cookie" -> s.left.add("cookie " + arg + ": cookie persistence has no Pointsman equivalent");
            case "track" -> s.left.add("track " + arg + ": following another server's check has no Pointsman equivalent");
            case "redir" -> s.left.add("redir " + arg + ": redirecting to a server has no Pointsman equivalent");
            case "minconn" -> s.left.add("minconn: dynamic maxconn has no Pointsman equivalent");
            default -> {
                if (TLS.contains(opt)) {
                    return tlsOption(l, opt, arg, s, c);
                } else if (opt.equals("resolvers")) {
                    s.resolvers = arg;
                } else if (DNS.contains(opt)) {
                    s.notes.add(opt + " " + arg + ": Pointsman resolves names with global.resolvers (A and AAAA)"
                            + " when it applies a config, then every resolvers.interval");
                } else if (opt.startsWith("agent-") || opt.equals("no-agent-check")) {
                    s.left.add(opt + ": agent checks have no Pointsman equivalent");
                } else if (!NOT_NEEDED.contains(opt) && !opt.startsWith("no-")) {
                    s.left.add(opt + (arg == null ? "" : " " + arg) + ": no Pointsman equivalent");
                }
            }
        }
        return true;
    }

    /** A TLS option of a server line ({@link TlsOptions.Server}); false after reporting an error. */
    private static boolean tlsOption(CfgLine l, String opt, String arg, ProxyDraft.ServerDraft s, ProxyContext c) {
        TlsOptions.Server t = s.tls;
        String[] error = new String[1];
        switch (opt) {
            case "ssl" -> t.ssl = true;
            case "no-ssl" -> t.ssl = false;
            case "verify" -> {
                if (!arg.equals("none") && !arg.equals("required")) {
                    c.error(l, "verify '" + arg + "': expected none or required");
                    return false;
                }
                t.verify = arg;
            }
            case "ca-file" -> t.ca = c.translation.caPath(arg);
            case "crl-file" -> t.crl = c.translation.caPath(arg);
            case "crt" -> t.crt = c.translation.certificatePath(arg);
            case "sni" -> {
                java.util.regex.Matcher m = FIXED_SNI.matcher(arg);
                if (m.matches()) {
                    t.sni = m.group(1);
                } else {
                    t.sni = null;
                    s.left.add("sni " + arg + ": Pointsman sends a fixed name (sni str(NAME)), or the server's"
                            + " host name when none is given");
                }
            }
            case "verifyhost" -> t.verifyhost = arg;
            case "no-verifyhost" -> t.verifyhost = null;
            case "check-ssl" -> t.checkSsl = 1;
            case "no-check-ssl" -> t.checkSsl = -1;
            case "ssl-reuse", "tls-tickets", "renegotiate", "no-renegotiate" -> { }
            case "no-ssl-reuse" -> s.left.add("no-ssl-reuse: Pointsman resumes TLS sessions with its servers");
            case "no-tls-tickets" -> s.left.add("no-tls-tickets: Pointsman resumes TLS sessions with its servers");
            case "check-sni", "check-alpn" -> s.left.add(opt + " " + arg + ": Pointsman's checks use the backend's"
                    + " TLS settings");
            case "send-proxy-v2-ssl", "send-proxy-v2-ssl-cn" -> s.left.add(opt + ": Pointsman's PROXY v2 header"
                    + " carries no TLS details");
            default -> {
                if (!t.apply(opt, arg, error)) {
                    s.left.add(opt + (arg == null ? "" : " " + arg) + ": no Pointsman equivalent for TLS to servers");
                } else if (error[0] != null) {
                    c.error(l, error[0]);
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code option httpchk [[METHOD] URI [VERSION]]}. */
    private static void httpchk(CfgLine l, ProxyContext c) {
        backendOnly(l, c, () -> {
            ProxyDraft.CheckDraft k = c.draft.check;
            if (l.negated() || "default".equals(l.modifier())) {
                k.type = null;
                k.path = null;
                k.method = null;
                c.translated(l);
                return;
            }
            String method = "OPTIONS";
            String uri = "/";
            String version = null;
            int n = l.size() - 2;
            if (n == 1) {
                uri = l.word(2);
            } else if (n >= 2) {
                method = l.word(2);
                uri = l.word(3);
                version = l.word(4);
            }
            k.reset();
            k.type = new Sourced<>("http", l);
            k.path = new Sourced<>(uri, l);
            k.method = new Sourced<>(method, l);
            if (version != null) {
                String[] parts = version.split("\r?\n");
                k.version = new Sourced<>(parts[0].trim(), l);
                for (int i = 1; i < parts.length; i++) {
                    int colon = parts[i].indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String name = parts[i].substring(0, colon).trim();
                    String value = parts[i].substring(colon + 1).trim();
                    if (name.equalsIgnoreCase("host")) {
                        k.host = new Sourced<>(value, l);
                    } else {
                        k.headers.put(name, value);
                    }
                }
            }
            if (!unrunnable(l, c)) {
                c.translated(l);
            }
        });
    }

    /** {@code http-check expect|send|disable-on-404|send-state …}. */
    private static void httpCheck(CfgLine l, ProxyContext c) {
        backendOnly(l, c, () -> {
            String what = l.word(1);
            ProxyDraft.CheckDraft k = c.draft.check;
            if ("expect".equals(what)) {
                int i = 2;
                boolean not = "!".equals(l.word(i));
                if (not) {
                    i++;
                }
                String kind = l.word(i);
                String value = l.word(i + 1);
                if (!not && "status".equals(kind) && value != null && value.matches("[1-5]\\d\\d(-[1-5]\\d\\d)?")) {
                    k.expectStatus = new Sourced<>(value, l);
                    c.translated(l);
                    return;
                }
                if (!not && "string".equals(kind) && value != null) {
                    k.expectBody = new Sourced<>(value, l);
                    c.translated(l);
                    return;
                }
                if (!not && "rstring".equals(kind) && value != null && unreadableRegex(value) != null) {
                    c.notTranslated(l, unreadableRegex(value));
                    return;
                }
                if (!not && "rstring".equals(kind) && value != null) {
                    k.expectBodyReg = new Sourced<>(value, l);
                    c.translated(l);
                    return;
                }
                c.notTranslated(l, "http-check expect " + l.rest(2) + ": Pointsman checks a status or range, a string"
                        + " in the body or a regex on it");
                return;
            }
            if ("send".equals(what)) {
                List<String> left = new ArrayList<>();
                for (int i = 2; i + 1 < l.size(); i += 2) {
                    switch (l.word(i)) {
                        case "meth" -> k.method = new Sourced<>(l.word(i + 1), l);
                        case "uri" -> k.path = new Sourced<>(l.word(i + 1), l);
                        case "ver" -> k.version = new Sourced<>(l.word(i + 1), l);
                        case "hdr" -> {
                            if (i + 2 >= l.size()) {
                                c.error(l, "hdr expects a name and a value");
                                return;
                            }
                            if (l.word(i + 1).equalsIgnoreCase("host")) {
                                k.host = new Sourced<>(l.word(i + 2), l);
                            } else {
                                k.headers.put(l.word(i + 1), l.word(i + 2));
                            }
                            i++;
                        }
                        default -> left.add(l.word(i) + " " + l.word(i + 1));
                    }
                }
                if (unrunnable(l, c)) {
                    return;
                }
                c.translated(l);
                if (!left.isEmpty()) {
                    c.notTranslated(l, String.join(", ", left) + ": no Pointsman equivalent (check bodies, log-format"
                            + " values)");
                }
                return;
            }
            if ("disable-on-404".equals(what)) {
                k.disableOn404 = l;
                c.translated(l);
                return;
            }
            if ("comment".equals(what)) {
                c.translated(l);
                return;
            }
            c.notTranslated(l, "http-check " + what + " has no Pointsman equivalent");
        });
    }

    /** Why a check's regex cannot be carried over (Java reads it differently or not at all), or null. */
    private static String unreadableRegex(String regex) {
        try {
            Regex.parse(regex);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage() + " (Java reads regexes; this one it cannot)";
        }
    }

    /**
     * Whether the check, as this line leaves it, says something Pointsman's check cannot
     * send (a method or header that is no HTTP token, a path not starting with '/', …):
     * then the line is left out and servers are checked with a TCP connect, as for a check
     * type Pointsman does not have.
     */
    private static boolean unrunnable(CfgLine l, ProxyContext c) {
        ProxyDraft.CheckDraft k = c.draft.check;
        String why = null;
        boolean http = k.type != null && "http".equals(k.type.value());
        if (http && k.method != null && !TOKEN.matcher(k.method.value()).matches()) {
            why = "method '" + k.method.value() + "' is no HTTP token";
        } else if (http && k.path != null && !k.path.value().startsWith("/")) {
            why = "Pointsman's http check asks for a path starting with '/', not '" + k.path.value() + "'";
        } else if (http && k.version != null && !k.version.value().equals("HTTP/1.0")
                && !k.version.value().equals("HTTP/1.1")) {
            why = "Pointsman's http check speaks HTTP/1.0 or HTTP/1.1, not '" + k.version.value() + "'";
        } else if (k.host != null && !k.host.value().matches("[!-~]+")) {
            why = "host '" + k.host.value() + "' has spaces or control characters";
        } else if (k.user != null && !k.user.value().matches("[!-~]{1,64}")) {
            why = "user '" + k.user.value() + "' is not one Pointsman's check logs in as";
        } else {
            for (Map.Entry<String, String> h : k.headers.entrySet()) {
                String n = h.getKey();
                if (!TOKEN.matcher(n).matches()) {
                    why = "header name '" + n + "' is no HTTP token";
                } else if (n.equalsIgnoreCase("Connection") || n.equalsIgnoreCase("Content-Length")
                        || n.equalsIgnoreCase("Transfer-Encoding")) {
                    why = "Pointsman's check sets " + n + " itself";
                } else if (h.getValue().indexOf('\r') >= 0 || h.getValue().indexOf('\n') >= 0) {
                    why = "header " + n + " has a line break in its value";
                }
                if (why != null) {
                    break;
                }
            }
        }
        if (why == null) {
            return false;
        }
        k.reset();
        k.unsupported = l;
        c.notTranslated(l, why + ": servers are checked with a TCP connect instead");
        return true;
    }
}
