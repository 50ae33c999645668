package io.pointsman.proxy.config.load;

import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Bgp;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Capture;
import io.pointsman.proxy.config.LogTarget;
import io.pointsman.proxy.config.Resolvers;
import io.pointsman.proxy.log.LogFormat;
import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.ForwardFor;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.HealthGate;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Keepalived;
import io.pointsman.proxy.config.Limit;
import io.pointsman.proxy.config.Listen;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.NotifyTarget;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Regex;
import io.pointsman.proxy.config.RequestRule;
import io.pointsman.proxy.config.ResponseRule;
import io.pointsman.proxy.config.RetryOn;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.ServerTemplate;
import io.pointsman.proxy.config.ServerTls;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.config.TcpRule;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.config.Tls;
import io.pointsman.proxy.config.TlsCertificate;
import io.pointsman.proxy.config.TlsDefaults;
import io.pointsman.proxy.config.TlsVerify;
import io.pointsman.proxy.tls.CipherRules;
import io.pointsman.proxy.config.TrackCheck;
import io.pointsman.proxy.config.VrrpInstance;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The semantic rules of SPEC §3 "Validation", checked on the bound records. Works on
 * the config as written ({@code raw}) for what the user set, and on the normalized one
 * for what is inherited (modes after {@code defaults}). Paths index the same lists in
 * both, so each error points at the key or value to fix.
 */
final class ConfigValidator implements RuleValidator.Report {
    private static final Pattern INTERFACE = Pattern.compile("[^/\\s]{1,15}");
    /** What an http-mode frontend may offer in ALPN: it speaks HTTP/1.x to clients. */
    private static final Set<String> HTTP_ALPN = Set.of("http/1.1", "http/1.0");
    private static final Pattern LOG_TAG = Pattern.compile("[!-9;-Z\\\\^-~]{1,32}");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** A server_template prefix: what a server name may be made of. */
    private static final Pattern SERVER_PREFIX = Pattern.compile("[A-Za-z0-9._-]+");
    private final ProxyConfig raw;
    private final ProxyConfig norm;
    private final Map<String, YamlNode.Location> locations;
    private final Problems problems;
    /**
     * Backends and listens of the normalized config by name, the first of a name winning
     * as in {@link ProxyConfig#backend}: that method scans the list, and calling it per
     * {@code use_backend} made validation quadratic (1,000 rules × 1,000 backends).
     */
    private final Map<String, Backend> backendsByName = new HashMap<>();
    /** The userlists' names, for {@code auth} rules. */
    private Set<String> userlists = Set.of();

    private ConfigValidator(ProxyConfig raw, ProxyConfig norm, Map<String, YamlNode.Location> locations, Problems problems) {
        this.raw = raw;
        this.norm = norm;
        this.locations = locations;
        this.problems = problems;
        for (Backend b : norm.allBackends()) {
            if (b.name() != null) {
                backendsByName.putIfAbsent(b.name(), b);
            }
        }
    }

    static void validate(ProxyConfig raw, ProxyConfig norm, Map<String, YamlNode.Location> locations, Problems problems) {
        new ConfigValidator(raw, norm, locations, problems).run();
    }

    private void run() {
        if (raw.version() == null) {
            error("version", "required: write 'version: 1' at the top");
        } else if (raw.version() != 1) {
            error("version", "unsupported version " + raw.version() + " (only version 1 exists)");
        }
        global();
        defaults();
        userlists = RuleValidator.userlists(raw, this);
        stats();
        names();
        for (int i = 0; i < raw.frontends().size(); i++) {
            frontend(raw.frontends().get(i), norm.frontends().get(i), "frontends[" + i + "]");
        }
        for (int i = 0; i < raw.backends().size(); i++) {
            backend(raw.backends().get(i), "backends[" + i + "]", "backend");
            backendRules(raw.backends().get(i), norm.backends().get(i).mode(), "backends[" + i + "]");
        }
        for (int i = 0; i < raw.listens().size(); i++) {
            Listen l = raw.listens().get(i);
            String p = "listens[" + i + "]";
            if (l.bind().isEmpty()) {
                error(p + ".bind", "a listen needs at least one bind");
            }
            Listen n = norm.listens().get(i);
            tls(l.tls(), p + ".tls");
            binds(l.bind(), l.tls(), n.bind(), n.mode(), p);
            nonNegative(l.maxconn(), p + ".maxconn");
            logging(l.logFormat(), l.capture(), norm.listens().get(i).mode(), p);
            backend(l.asBackend(), p, "listen");
            Mode mode = norm.listens().get(i).mode();
            RuleValidator rules = frontendRules(l.limits(), l.acl(), p, mode, "listen '" + l.name() + "'");
            frontendRules(rules, l.httpRequest(), l.httpResponse(), l.tcpRequest(), l.errorfiles(), l.forwardedFor(), p);
        }
        binds();
        keepalived();
        sync();
        bgp();
    }

    // ---- global, defaults, stats

    private void global() {
        if (raw.global() == null) {
            return;
        }
        nonNegative(raw.global().maxconn(), "global.maxconn");
        TlsDefaults td = raw.global().tlsDefaults();
        if (td != null) {
            tlsPolicy(td.ciphers(), td.ciphersuites(), td.alpn(), "global.tls_defaults");
        }
        ServerTls st = raw.global().serverTlsDefaults();
        if (st != null) {
            serverTlsKeys(st, "global.server_tls_defaults");
            if (st.sni() != null) {
                error("global.server_tls_defaults.sni", "sni names one service: set it on the backend");
            }
        }
        nonNegative(raw.global().threads(), "global.threads");
        atLeast(raw.global().maxOldGenerations(), 1, "global.max_old_generations");
        positive(raw.global().hardStopAfter(), "global.hard_stop_after");
        Resolvers r = raw.global().resolvers();
        if (r != null) {
            positive(r.interval(), "global.resolvers.interval");
            positive(r.holdValid(), "global.resolvers.hold_valid");
            for (int i = 0; i < r.nameservers().size(); i++) {
                HostPort ns = r.nameservers().get(i);
                if (ns.isWildcard() || Cidr.literal(ns.host()) == null) {
                    error("global.resolvers.nameservers[" + i + "]", "a name server is an IP address and port, got '"
                            + ns + "'");
                } else if (ns.port() < 1) {
                    error("global.resolvers.nameservers[" + i + "]", "a name server needs a port (1-65535)");
                }
            }
        }
        for (int i = 0; i < raw.global().log().size(); i++) {
            LogTarget t = raw.global().log().get(i);
            String p = "global.log[" + i + "]";
            if (t.target() == null) {
                error(p + ".target", "required: udp://host:port, tcp://host:port, unix:///dev/log or stderr");
            }
            if (t.tag() != null && !LOG_TAG.matcher(t.tag()).matches()) {
                error(p + ".tag", "bad tag '" + t.tag() + "' (1-32 printable characters, no spaces or ':[]')");
            }
            if (t.hostname() != null && !t.hostname().matches("[!-~]{1,255}")) {
                error(p + ".hostname", "bad hostname '" + t.hostname() + "' (printable characters, no spaces)");
            }
        }
    }

    /** log_format and capture of a frontend or listen (raw values; the mode is the normalized one). */
    private void logging(String logFormat, Capture capture, Mode mode, String p) {
        if (logFormat != null) {
            if (logFormat.isEmpty()) {
                error(p + ".log_format", "empty log format (httplog, tcplog, json or a string of %-variables)");
            } else if (logFormat.equals("httplog") && mode == Mode.TCP) {
                error(p + ".log_format", "httplog needs mode http (this is mode tcp: use tcplog)");
            } else {
                try {
                    LogFormat.compile(logFormat);
                } catch (IllegalArgumentException e) {
                    error(p + ".log_format", e.getMessage());
                }
            }
        }
        if (capture == null) {
            return;
        }
        if (mode == Mode.TCP && (!capture.requestHeaders().isEmpty() || !capture.responseHeaders().isEmpty())) {
            error(p + ".capture", "capturing headers works only in mode http");
        }
        captureHeaders(capture.requestHeaders(), p + ".capture.request_headers");
        captureHeaders(capture.responseHeaders(), p + ".capture.response_headers");
    }

    private void captureHeaders(List<Capture.Header> headers, String p) {
        for (int i = 0; i < headers.size(); i++) {
            Capture.Header h = headers.get(i);
            String hp = p + "[" + i + "]";
            if (h.name() == null || h.name().isBlank()) {
                error(hp + ".name", "required: the header to capture");
            } else if (!HEADER_NAME.matcher(h.name()).matches()) {
                error(hp + ".name", "bad header name '" + h.name() + "'");
            }
            if (h.len() != null && (h.len() < 1 || h.len() > 4096)) {
                error(hp + ".len", "len " + h.len() + " out of range 1-4096");
            }
        }
    }

    private void defaults() {
        if (raw.defaults() == null) {
            return;
        }
        timeouts(raw.defaults().timeout(), "defaults.timeout");
        nonNegative(raw.defaults().retries(), "defaults.retries");
        if (raw.defaults().logFormat() != null && !raw.defaults().logFormat().equals("httplog")) {
            logging(raw.defaults().logFormat(), null, null, "defaults");
        }
        retryOn(raw.defaults().retryOn(), "defaults.retry_on", null, null);
        new RuleValidator(this, "defaults", null, false, Set.of()).errorfiles(raw.defaults().errorfiles(),
                "defaults.errorfiles");
    }

    private void stats() {
        Stats s = raw.stats();
        if (s == null) {
            return;
        }
        if (s.bind() == null) {
            error("stats.bind", "required: the address of the stats page, e.g. \"127.0.0.1:8404\"");
        }
        if (s.uri() != null && !s.uri().startsWith("/")) {
            error("stats.uri", "must start with '/'");
        }
        positive(s.refresh(), "stats.refresh");
        if (s.auth() != null) {
            if (s.auth().user() == null || s.auth().user().isEmpty()) {
                error("stats.auth.user", "required when 'auth' is set");
            }
            if (s.auth().password() == null || s.auth().password().isEmpty()) {
                error("stats.auth.password", "required when 'auth' is set");
            }
        }
        if (s.adminEnabled() && s.auth() == null) {
            error("stats.admin", "needs stats.auth: the admin actions are for authenticated users only");
        }
    }

    // ---- names

    private void names() {
        Map<String, String> frontendNames = new HashMap<>();
        Map<String, String> backendNames = new HashMap<>();
        for (int i = 0; i < raw.frontends().size(); i++) {
            unique(raw.frontends().get(i).name(), "frontends[" + i + "]", "frontend", frontendNames);
        }
        for (int i = 0; i < raw.backends().size(); i++) {
            unique(raw.backends().get(i).name(), "backends[" + i + "]", "backend", backendNames);
        }
        for (int i = 0; i < raw.listens().size(); i++) {
            String n = raw.listens().get(i).name();
            String p = "listens[" + i + "]";
            // A listen is a frontend and a backend: its name lives in both namespaces.
            if (unique(n, p, "frontend", frontendNames)) {
                unique(n, p, "backend", backendNames);
            }
        }
    }

    /** Reports a missing or repeated name; false when it reported one. */
    private boolean unique(String name, String path, String what, Map<String, String> seen) {
        String p = path + ".name";
        if (name == null || name.isBlank()) {
            error(p, "required: every " + noun(path) + " needs a name");
            return false;
        }
        String first = seen.putIfAbsent(name, p);
        if (first != null) {
            error(p, "duplicate " + what + " name '" + name + "' (first at " + at(first) + ")");
            return false;
        }
        return true;
    }

    private static String noun(String path) {
        String last = path.substring(path.lastIndexOf('.') + 1);
        String list = last.substring(0, last.indexOf('['));
        return switch (list) {
            case "frontends" -> "frontend";
            case "backends" -> "backend";
            case "listens" -> "listen";
            case "servers" -> "server";
            case "vrrp_instances" -> "vrrp instance";
            default -> list;
        };
    }

    // ---- frontends

    private void frontend(Frontend f, Frontend n, String p) {
        if (f.bind().isEmpty()) {
            error(p + ".bind", "a frontend needs at least one bind");
        }
        tls(f.tls(), p + ".tls");
        binds(f.bind(), f.tls(), n.bind(), n.mode(), p);
        nonNegative(f.maxconn(), p + ".maxconn");
        timeouts(f.timeout(), p + ".timeout");
        Mode mode = n.mode();
        logging(f.logFormat(), f.capture(), mode, p);
        String label = "frontend '" + f.name() + "'";
        RuleValidator rules = frontendRules(f.limits(), f.acl(), p, mode, label);
        for (int i = 0; i < f.useBackend().size(); i++) {
            var u = f.useBackend().get(i);
            String up = p + ".use_backend[" + i + "]";
            if (u.backend() == null || u.backend().isBlank()) {
                error(up + ".backend", "required: the backend to use");
            } else {
                backendRef(u.backend(), up + ".backend", mode, label);
            }
            if (u.ifCondition() != null && u.unlessCondition() != null) {
                error(up + ".unless", "set 'if' or 'unless', not both");
            }
            rules.condition(u.ifCondition(), up + ".if", RuleValidator.Stage.REQUEST);
            rules.condition(u.unlessCondition(), up + ".unless", RuleValidator.Stage.REQUEST);
        }
        if (f.defaultBackend() != null) {
            backendRef(f.defaultBackend(), p + ".default_backend", mode, label);
        }
        frontendRules(rules, f.httpRequest(), f.httpResponse(), f.tcpRequest(), f.errorfiles(), f.forwardedFor(), p);
    }

    /** A frontend's or listen's limits and acls (conditions read them). */
    private RuleValidator frontendRules(List<Limit> limits, List<Acl> acls, String p, Mode mode, String label) {
        RuleValidator rules = new RuleValidator(this, label, mode, true, userlists);
        rules.limits(limits, p + ".limits");
        for (int i = 0; i < acls.size(); i++) {
            rules.acl(acls.get(i), p + ".acl[" + i + "]");
        }
        return rules;
    }

    private void frontendRules(RuleValidator rules, List<RequestRule> request, List<ResponseRule> response,
                               List<TcpRule> tcp, Map<Integer, String> errorfiles, ForwardFor forwardFor, String p) {
        rules.requestRules(request, p + ".http_request");
        rules.responseRules(response, p + ".http_response");
        rules.tcpRules(tcp, p + ".tcp_request");
        rules.errorfiles(errorfiles, p + ".errorfiles");
        rules.forwardfor(forwardFor, p + ".forwardfor");
    }

    /** A backend's acls and rules. */
    private void backendRules(Backend b, Mode mode, String p) {
        RuleValidator rules = new RuleValidator(this, "backend '" + b.name() + "'", mode, false, userlists);
        for (int i = 0; i < b.acl().size(); i++) {
            rules.acl(b.acl().get(i), p + ".acl[" + i + "]");
        }
        rules.requestRules(b.httpRequest(), p + ".http_request");
        rules.responseRules(b.httpResponse(), p + ".http_response");
        rules.errorfiles(b.errorfiles(), p + ".errorfiles");
    }

    private void backendRef(String name, String path, Mode mode, String label) {
        Backend b = backendsByName.get(name);
        if (b == null) {
            List<String> names = new ArrayList<>();
            norm.allBackends().forEach(x -> names.add(x.name()));
            error(path, "no backend named '" + name + "'" + suggest(name, names));
        } else if (mode != null && b.mode() != null && b.mode() != mode) {
            error(path, label + " is mode " + lower(mode) + " but backend '" + name + "' is mode " + lower(b.mode()));
        }
    }

    /** A tls section as written: its keys, each on its own. Files are read on the node, when applied. */
    private void tls(Tls t, String p) {
        if (t == null) {
            return;
        }
        if (t.key() != null && t.cert() == null) {
            error(p + ".cert", "'key' is set but 'cert' is missing");
        }
        for (int i = 0; i < t.certificates().size(); i++) {
            TlsCertificate c = t.certificates().get(i);
            String cp = p + ".certificates[" + i + "]";
            if (c.cert() == null) {
                error(cp + ".cert", "required: the certificate's PEM file (its key inside, or in 'key')");
            }
        }
        tlsPolicy(t.ciphers(), t.ciphersuites(), t.alpn(), p);
    }

    private void tlsPolicy(String ciphers, String ciphersuites, List<String> alpn, String p) {
        if (ciphers != null) {
            String problem = CipherRules.problem(ciphers);
            if (problem != null) {
                error(p + ".ciphers", problem);
            }
        }
        if (ciphersuites != null) {
            String problem = CipherRules.suitesProblem(ciphersuites);
            if (problem != null) {
                error(p + ".ciphersuites", problem);
            }
        }
        if (alpn != null) {
            for (int i = 0; i < alpn.size(); i++) {
                String a = alpn.get(i);
                if (a == null || a.isBlank() || a.length() > 255 || !a.chars().allMatch(ch -> ch > 32 && ch < 127)) {
                    error(p + ".alpn[" + i + "]", "bad ALPN protocol name '" + a + "' (e.g. http/1.1, h2)");
                }
            }
        }
    }

    /**
     * The binds of a frontend or listen: an address each; what each serves (its own tls keys
     * over the frontend's over global.tls_defaults, as normalized) must be complete.
     */
    private void binds(List<Bind> raw, Tls frontendTls, List<Bind> normalized, Mode mode, String p) {
        for (int j = 0; j < raw.size(); j++) {
            Bind b = raw.get(j);
            String bp = p + ".bind[" + j + "]";
            if (b.address() == null) {
                error(bp + ".address", "required: the address to listen on (host:port, *:port or [v6]:port)");
            }
            tls(b.tls(), bp + ".tls");
            Tls t = j < normalized.size() ? normalized.get(j).tls() : null;
            if (t == null) {
                continue;
            }
            // Where to point: the bind's own tls when it has one, else the frontend's.
            String tp = b.tls() != null ? bp + ".tls" : p + ".tls";
            if (t.cert() == null && t.certificates().isEmpty() && t.certDir() == null) {
                error(tp, "tls needs 'cert' (a PEM file, its key inside or in 'key') or 'cert_dir'");
            }
            if (t.verify() != TlsVerify.NONE && t.clientCa() == null) {
                error(tp + ".verify", "verify: " + lower(t.verify()) + " needs 'client_ca' (the CA file client"
                        + " certificates must chain to)");
            }
            if (t.clientCa() != null && t.verify() == TlsVerify.NONE) {
                error(tp + ".client_ca", "client_ca is set but verify is none, so no client certificate is asked"
                        + " for: set verify: optional or required");
            }
            if (t.crl() != null && t.clientCa() == null) {
                error(tp + ".crl", "crl needs 'client_ca' (it revokes client certificates)");
            }
            if (mode == Mode.HTTP) {
                for (String a : t.alpn()) {
                    if (!HTTP_ALPN.contains(a)) {
                        String where = alpnSource(b.tls(), frontendTls) ? tp + ".alpn" : "global.tls_defaults.alpn";
                        error(where, "a mode http frontend speaks HTTP/1.1 to clients: it may offer http/1.1 and"
                                + " http/1.0 in ALPN, not '" + a + "' (mode tcp passes any protocol through)");
                        break;
                    }
                }
            }
        }
    }

    private static boolean alpnSource(Tls bind, Tls frontend) {
        return (bind != null && bind.alpn() != null) || (frontend != null && frontend.alpn() != null);
    }

    // ---- backends and listens

    private void backend(Backend b, String p, String what) {
        if (b.servers().isEmpty() && b.serverTemplate() == null) {
            error(p + ".servers", "a " + what + " needs at least one server (or a server_template)");
        }
        check(b.check(), p + ".check");
        nonNegative(b.retries(), p + ".retries");
        positive(b.slowstart(), p + ".slowstart");
        timeouts(b.timeout(), p + ".timeout");
        Backend normalized = b.name() == null ? null : backendsByName.get(b.name());
        Mode mode = normalized == null ? null : normalized.mode();
        String label = what + " '" + b.name() + "'";
        if (b.httpReuse() != null && mode == Mode.TCP) {
            error(p + ".http_reuse", "'http_reuse' works only in mode http (" + label + " is mode tcp)");
        }
        retryOn(b.retryOn(), p + ".retry_on", mode, label);
        serverTls(b, normalized, p, what.equals("listen") ? "server_tls" : "tls", mode);
        Map<String, String> names = new HashMap<>();
        Map<String, String> addresses = new HashMap<>();
        for (int i = 0; i < b.servers().size(); i++) {
            Server s = b.servers().get(i);
            String sp = p + ".servers[" + i + "]";
            if (s.address() != null) {
                // A server is identified by backend + address: its health state and counters
                // are kept across swaps under that key, so two servers cannot share one.
                String first = addresses.putIfAbsent(s.address().toString(), sp + ".address");
                if (first != null) {
                    error(sp + ".address", "server address '" + s.address() + "' is already used in " + what
                            + " '" + b.name() + "' (first at " + at(first) + "); give each server its own address");
                }
            }
            if (s.name() == null || s.name().isBlank()) {
                error(sp + ".name", "required: every server needs a name");
            } else {
                String first = names.putIfAbsent(s.name(), sp + ".name");
                if (first != null) {
                    error(sp + ".name", "duplicate server name '" + s.name() + "' in " + what + " '" + b.name()
                            + "' (first at " + at(first) + ")");
                }
            }
            if (s.address() == null) {
                error(sp + ".address", "required: the server's host:port");
            } else if (s.address().port() == 0) {
                error(sp + ".address", "a server needs a port (1-65535), got '" + s.address() + "'");
            } else if (s.address().isWildcard()) {
                error(sp + ".address", "a server needs a host, got '" + s.address() + "'");
            } else if (!s.address().hasPort() && Boolean.TRUE.equals(s.check())
                    && (b.check() == null || b.check().port() == null)) {
                error(sp + ".address", "a checked server without a port needs check.port (the client's port is "
                        + "known only when a client connects)");
            }
            nonNegative(s.maxqueue(), sp + ".maxqueue");
            if (s.weight() != null && (s.weight() < 0 || s.weight() > 256)) {
                error(sp + ".weight", "weight " + s.weight() + " out of range 0-256");
            }
            nonNegative(s.maxconn(), sp + ".maxconn");
        }
        serverTemplate(b, p + ".server_template", names, what);
    }

    /** HAProxy's server-template: prefix, count, a name to resolve (host[:port] or SRV), the servers' settings. */
    private void serverTemplate(Backend b, String p, Map<String, String> serverNames, String what) {
        ServerTemplate t = b.serverTemplate();
        if (t == null) {
            return;
        }
        if (t.prefix() == null || t.prefix().isBlank()) {
            error(p + ".prefix", "required: the servers' names are the prefix and a number");
        } else if (!SERVER_PREFIX.matcher(t.prefix()).matches()) {
            error(p + ".prefix", "bad prefix '" + t.prefix() + "' (letters, digits, '.', '_' and '-')");
        }
        if (t.count() == null) {
            error(p + ".count", "required: how many servers (1-" + ServerTemplate.MAX_COUNT + ")");
        } else if (t.count() < 1 || t.count() > ServerTemplate.MAX_COUNT) {
            error(p + ".count", "count " + t.count() + " out of range 1-" + ServerTemplate.MAX_COUNT);
        }
        HostPort target = null;
        try {
            target = t.target();
        } catch (IllegalArgumentException e) {
            error(p + ".address", e.getMessage());
        }
        Resolvers resolvers = raw.global() == null ? null : raw.global().resolvers();
        if (target != null && t.srv() && (resolvers == null || resolvers.nameservers().isEmpty())) {
            error(p + ".address", "an SRV name is asked of global.resolvers.nameservers (the system resolver "
                    + "answers only A and AAAA)");
        }
        if (target != null && !t.srv() && !target.hasPort() && Boolean.TRUE.equals(t.check())
                && (b.check() == null || b.check().port() == null)) {
            error(p + ".address", "checked servers without a port need check.port (the client's port is known only "
                    + "when a client connects)");
        }
        if (t.weight() != null && (t.weight() < 0 || t.weight() > 256)) {
            error(p + ".weight", "weight " + t.weight() + " out of range 0-256");
        }
        nonNegative(t.maxconn(), p + ".maxconn");
        if (t.prefix() != null && t.count() != null && t.count() >= 1 && t.count() <= ServerTemplate.MAX_COUNT) {
            for (int i = 1; i <= t.count(); i++) {
                String first = serverNames.get(t.name(i));
                if (first != null) {
                    error(p + ".prefix", "server '" + t.name(i) + "' of the template is already a server of " + what
                            + " '" + b.name() + "' (at " + at(first) + ")");
                    break;
                }
            }
        }
    }

    /** TLS to a backend's servers: the section as written, what it is with the defaults, the servers' and check's {@code tls}. */
    private void serverTls(Backend b, Backend normalized, String p, String key, Mode mode) {
        String tp = p + "." + key;
        ServerTls t = b.tls();
        if (t != null) {
            serverTlsKeys(t, tp);
            if (t.sni() != null && (t.sni().isBlank() || t.sni().contains("%["))) {
                error(tp + ".sni", t.sni().isBlank() ? "empty sni" : "sni takes a name; %[…] expressions are not"
                        + " available here yet (give the name, or leave sni out for the server's host name)");
            }
        }
        ServerTls n = normalized == null ? null : normalized.tls();
        if (n != null) {
            if (n.verify() == TlsVerify.REQUIRED && n.ca() == null) {
                error(tp, "verify: required (the default, as HAProxy's ssl-server-verify) needs 'ca' (the CA file"
                        + " server certificates must chain to, or @system-ca), or set verify: none");
            }
            if (n.verify() == TlsVerify.NONE && (n.ca() != null || n.crl() != null)) {
                error(tp + (n.ca() != null ? ".ca" : ".crl"), "'" + (n.ca() != null ? "ca" : "crl") + "' is set"
                        + " but verify is none, so server certificates are not checked: set verify: required");
            }
            if (n.crl() != null && ServerTls.SYSTEM_CA.equals(n.ca())) {
                error(tp + ".crl", "a crl needs a CRL for every CA of the chain: give 'ca' as a file, not @system-ca");
            }
            if (mode == Mode.HTTP) {
                for (String a : n.alpn()) {
                    if (!HTTP_ALPN.contains(a)) {
                        error(tp + ".alpn", "a mode http backend speaks HTTP/1.1 to its servers: it may offer http/1.1"
                                + " and http/1.0 in ALPN, not '" + a + "'");
                        break;
                    }
                }
            }
        }
        for (int i = 0; i < b.servers().size(); i++) {
            Boolean tls = b.servers().get(i).tls();
            String sp = p + ".servers[" + i + "].tls";
            if (Boolean.TRUE.equals(tls)) {
                error(sp, "TLS to servers is set on the " + (key.equals("tls") ? "backend" : "listen") + " ('" + key
                        + ": {…}'); a server may only turn it off with tls: false");
            } else if (Boolean.FALSE.equals(tls) && n == null) {
                error(sp, "tls: false, but the servers of this " + (key.equals("tls") ? "backend" : "listen")
                        + " are plain anyway (no '" + key + ":')");
            }
        }
        if (b.check() != null && b.check().tls() != null) {
            if (b.check().tls()) {
                error(p + ".check.tls", "checks use TLS where the servers do; only tls: false (plain checks) is set here");
            } else if (n == null) {
                error(p + ".check.tls", "tls: false, but the checks are plain anyway (no '" + key + ":')");
            }
        }
    }

    private void serverTlsKeys(ServerTls t, String p) {
        if (t.verify() == TlsVerify.OPTIONAL) {
            error(p + ".verify", "a server's certificate is verified or not: none or required");
        }
        if (t.key() != null && t.cert() == null) {
            error(p + ".cert", "'key' is set but 'cert' is missing");
        }
        tlsPolicy(t.ciphers(), t.ciphersuites(), t.alpn(), p);
    }

    private void check(Check c, String p) {
        if (c == null) {
            return;
        }
        CheckType type = c.type() == null ? CheckType.TCP : c.type();
        if (type == CheckType.HTTP && c.path() != null && !c.path().startsWith("/")) {
            error(p + ".path", "an http check path must start with '/', got '" + c.path() + "'");
        }
        positive(c.interval(), p + ".interval");
        positive(c.fastInterval(), p + ".fast_interval");
        positive(c.downInterval(), p + ".down_interval");
        atLeast(c.rise(), 1, p + ".rise");
        atLeast(c.fall(), 1, p + ".fall");
        if (c.port() != null && (c.port() < 1 || c.port() > 65535)) {
            error(p + ".port", "port " + c.port() + " out of range 1-65535");
        }
        String typeName = type.name().toLowerCase(Locale.ROOT);
        if (type != CheckType.HTTP) {
            Object[] httpOnly = {c.path(), c.expectStatus(), c.headers(), c.version(), c.expectBody(), c.expectBodyReg(),
                c.disableOn404()};
            String[] names = {"path", "expect_status", "headers", "version", "expect_body", "expect_body_reg",
                "disable_on_404"};
            for (int i = 0; i < names.length; i++) {
                if (httpOnly[i] != null) {
                    error(p + "." + names[i], "'" + names[i] + "' is for http checks (this check is type " + typeName + ")");
                }
            }
            if (c.method() != null && type != CheckType.SMTP) {
                error(p + ".method", "'method' is for http checks (HELO or EHLO for smtp)");
            }
            if (c.host() != null && type != CheckType.SMTP) {
                error(p + ".host", "'host' is for http and smtp checks");
            }
        }
        if (c.method() != null) {
            if (type == CheckType.SMTP && !c.method().equals("HELO") && !c.method().equals("EHLO")) {
                error(p + ".method", "an smtp check says HELO or EHLO, got '" + c.method() + "'");
            } else if (type == CheckType.HTTP && !TOKEN.matcher(c.method()).matches()) {
                error(p + ".method", "bad http method '" + c.method() + "'");
            }
        }
        if (c.host() != null && !c.host().matches("[!-~]+")) {
            error(p + ".host", "bad host '" + c.host() + "' (no spaces or control characters)");
        }
        if (c.version() != null && !c.version().equals("HTTP/1.0") && !c.version().equals("HTTP/1.1")) {
            error(p + ".version", "version must be HTTP/1.0 or HTTP/1.1, got '" + c.version() + "'");
        }
        if (c.headers() != null) {
            c.headers().forEach((name, value) -> {
                if (!TOKEN.matcher(name).matches()) {
                    error(p + ".headers." + name, "bad header name '" + name + "'");
                } else if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Connection")
                        || name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                    error(p + ".headers." + name, "'" + name + "' is set by the check itself"
                            + (name.equalsIgnoreCase("Host") ? " (use check.host)" : ""));
                } else if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    error(p + ".headers." + name, "a header value must be one line");
                }
            });
        }
        regex(c.expectBodyReg(), p + ".expect_body_reg");
        if (c.user() != null && type != CheckType.MYSQL && type != CheckType.PGSQL) {
            error(p + ".user", "'user' is for mysql and pgsql checks");
        } else if (c.user() != null && (c.user().isEmpty() || !c.user().matches("[!-~]{1,64}"))) {
            error(p + ".user", "bad user name '" + c.user() + "'");
        }
        if (type == CheckType.PGSQL && c.user() == null) {
            error(p + ".user", "required: a pgsql check logs in as this user (HAProxy pgsql-check user)");
        }
        if (type == CheckType.SCRIPT) {
            if (c.script() == null || c.script().isEmpty()) {
                error(p + ".script", "required: the steps of a script check, e.g. [{send: \"PING\\r\\n\"}, {expect: \"+PONG\"}]");
            }
        } else if (c.script() != null) {
            error(p + ".script", "'script' is for checks of type script (this is " + typeName + ")");
        }
        if (c.script() != null) {
            for (int i = 0; i < c.script().size(); i++) {
                io.pointsman.proxy.config.CheckStep s = c.script().get(i);
                String sp = p + ".script[" + i + "]";
                int set = (s.send() != null ? 1 : 0) + (s.expect() != null ? 1 : 0) + (s.expectReg() != null ? 1 : 0);
                if (set != 1) {
                    error(sp, "a step is exactly one of send, expect, expect_reg" + (set == 0 ? "" : " (found " + set + ")"));
                }
                if (s.send() != null && s.send().isEmpty()) {
                    error(sp + ".send", "nothing to send");
                }
                if (s.expect() != null && s.expect().isEmpty()) {
                    error(sp + ".expect", "an empty expect matches anything: remove it or say what to expect");
                }
                regex(s.expectReg(), sp + ".expect_reg");
            }
        }
    }

    private void regex(String regex, String path) {
        if (regex == null) {
            return;
        }
        try {
            Regex.parse(regex);
        } catch (IllegalArgumentException e) {
            error(path, e.getMessage());
        }
    }

    /** A written {@code retry_on}: not empty, {@code none} alone, only connect failures in mode tcp. */
    private void retryOn(List<RetryOn> list, String p, Mode mode, String label) {
        if (list.isEmpty()) {
            if (locations.containsKey(p)) {
                error(p, "'retry_on' needs at least one event (write 'none' to never retry)");
            }
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            RetryOn r = list.get(i);
            String ip = p + "[" + i + "]";
            if (r.name().equals("none") && list.size() > 1) {
                error(ip, "'none' stands alone in retry_on");
            } else if (mode == Mode.TCP && r.httpOnly()) {
                error(ip, "retry_on '" + r + "' works only in mode http (" + label
                        + " is mode tcp: only conn_failure or none)");
            }
        }
    }

    private void timeouts(Timeouts t, String p) {
        if (t == null) {
            return;
        }
        try {
            for (RecordComponent rc : Timeouts.class.getRecordComponents()) {
                positive((Duration) rc.getAccessor().invoke(t), p + "." + RecordBinder.yamlName(rc));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- binds

    private record Address(HostPort address, String path, String owner) {
    }

    private void binds() {
        List<Address> all = new ArrayList<>();
        if (raw.stats() != null && raw.stats().bind() != null) {
            all.add(new Address(raw.stats().bind(), "stats.bind", "the stats page"));
        }
        for (int i = 0; i < raw.frontends().size(); i++) {
            Frontend f = raw.frontends().get(i);
            for (int j = 0; j < f.bind().size(); j++) {
                all.add(new Address(f.bind().get(j).address(), "frontends[" + i + "].bind[" + j + "]",
                        "frontend '" + f.name() + "'"));
            }
        }
        for (int i = 0; i < raw.listens().size(); i++) {
            Listen l = raw.listens().get(i);
            for (int j = 0; j < l.bind().size(); j++) {
                all.add(new Address(l.bind().get(j).address(), "listens[" + i + "].bind[" + j + "]",
                        "listen '" + l.name() + "'"));
            }
        }
        // Only binds on one port can conflict: compare within a port, earlier binds first
        // (all pairs made a listen-per-customer config quadratic).
        Map<Integer, List<Address>> byPort = new HashMap<>();
        for (Address b : all) {
            if (b.address() != null && !b.address().hasPort()) {
                error(b.path(), "a bind needs a port, got '" + b.address() + "'");
                continue;
            }
            if (b.address() == null || b.address().port() == 0) {
                continue; // port 0 (ephemeral) never conflicts
            }
            List<Address> earlier = byPort.computeIfAbsent(b.address().port(), k -> new ArrayList<>(1));
            for (Address a : earlier) {
                if (a.address().bindsOverlap(b.address())) {
                    error(b.path(), "bind '" + b.address() + "' conflicts with '" + a.address() + "' of "
                            + a.owner() + " (" + at(a.path()) + ")");
                    break;
                }
            }
            earlier.add(b);
        }
    }

    // ---- keepalived, sync

    private void keepalived() {
        Keepalived k = raw.keepalived();
        if (k == null) {
            return;
        }
        hostOnly("keepalived.config_path", k.configPath());
        hostOnly("keepalived.pid_file", k.pidFile());
        TrackCheck t = k.trackCheck();
        if (t != null) {
            positive(t.interval(), "keepalived.track_check.interval");
            atLeast(t.fall(), 1, "keepalived.track_check.fall");
            atLeast(t.rise(), 1, "keepalived.track_check.rise");
        }
        if (k.vrrpInstances().isEmpty()) {
            error("keepalived.vrrp_instances", "keepalived needs at least one vrrp instance");
        }
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < k.vrrpInstances().size(); i++) {
            VrrpInstance v = k.vrrpInstances().get(i);
            String p = "keepalived.vrrp_instances[" + i + "]";
            if (v.name() == null || v.name().isBlank()) {
                error(p + ".name", "required: every vrrp instance needs a name");
            } else {
                String first = names.putIfAbsent(v.name(), p + ".name");
                if (first != null) {
                    error(p + ".name", "duplicate vrrp instance name '" + v.name() + "' (first at " + at(first) + ")");
                }
            }
            if (v.iface() == null) {
                error(p + ".interface", "required: the network interface, e.g. eth0");
            } else if (!INTERFACE.matcher(v.iface()).matches()) {
                error(p + ".interface", "bad interface name '" + v.iface() + "' (1-15 characters, no '/' or spaces)");
            }
            if (v.virtualRouterId() == null) {
                error(p + ".virtual_router_id", "required: 1-255, the same on every node of the pair");
            } else if (v.virtualRouterId() < 1 || v.virtualRouterId() > 255) {
                error(p + ".virtual_router_id", "virtual_router_id " + v.virtualRouterId() + " out of range 1-255");
            }
            if (v.priority() != null && (v.priority() < 1 || v.priority() > 254)) {
                error(p + ".priority", "priority " + v.priority() + " out of range 1-254");
            }
            atLeast(v.advertInt(), 1, p + ".advert_int");
            if (v.virtualIpaddresses().isEmpty()) {
                error(p + ".virtual_ipaddresses", "a vrrp instance needs at least one virtual IP address");
            }
            for (int j = 0; j < v.virtualIpaddresses().size(); j++) {
                try {
                    Cidr.parse(v.virtualIpaddresses().get(j));
                } catch (IllegalArgumentException e) {
                    error(p + ".virtual_ipaddresses[" + j + "]", e.getMessage());
                }
            }
        }
    }

    private void hostOnly(String path, String value) {
        if (value == null) {
            return;
        }
        YamlNode.Location where = location(path);
        if (!where.file().startsWith("hosts/")) {
            String key = path.substring(path.lastIndexOf('.') + 1);
            error(path, "'" + key + "' may be set only in a host file (hosts/<node>.yaml), not in " + where.file());
        }
    }

    private void sync() {
        if (raw.sync() == null) {
            return;
        }
        Duration delay = raw.sync().applyDelay();
        if (delay != null && delay.isNegative()) {
            error("sync.apply_delay", "must not be negative");
        }
        HealthGate g = raw.sync().healthGate();
        if (g != null) {
            positive(g.window(), "sync.health_gate.window");
            Double r = g.maxErrorRatio();
            if (r != null && (r < 0 || r > 1 || r.isNaN())) {
                error("sync.health_gate.max_error_ratio", "max_error_ratio " + r + " out of range 0-1");
            }
            atLeast(g.minRequests(), 1, "sync.health_gate.min_requests");
        }
        notifyTargets(raw.sync().notifyTargets());
    }

    /** {@code sync.notify}: named, http(s) URLs; the URL is a secret and never quoted in a message. */
    private void notifyTargets(List<NotifyTarget> targets) {
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            NotifyTarget t = targets.get(i);
            String p = "sync.notify[" + i + "]";
            if (t.name() == null || t.name().isBlank()) {
                error(p + ".name", "required: every notify target needs a name");
            } else {
                String first = names.putIfAbsent(t.name(), p + ".name");
                if (first != null) {
                    error(p + ".name", "duplicate notify target name '" + t.name() + "' (first at " + at(first) + ")");
                }
            }
            if (t.url() == null || t.url().isBlank()) {
                error(p + ".url", "required: the http(s) URL that gets a POST per event");
            } else {
                String problem = notifyUrlProblem(t.url());
                if (problem != null) {
                    error(p + ".url", problem);
                }
            }
            positive(t.fetchFailingAfter(), p + ".fetch_failing_after");
            positive(t.timeout(), p + ".timeout");
        }
    }

    private static String notifyUrlProblem(String url) {
        try {
            java.net.URI u = new java.net.URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "not an http:// or https:// URL";
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                return "the URL has no host";
            }
            return null;
        } catch (java.net.URISyntaxException e) {
            return "not a valid URL (" + e.getReason() + ")";
        }
    }

    // ---- bgp

    private void bgp() {
        Bgp b = raw.bgp();
        if (b == null) {
            return;
        }
        hostOnly("bgp.config_path", b.configPath());
        hostOnly("bgp.control_socket", b.controlSocket());
        absolute(b.configPath(), "bgp.config_path");
        absolute(b.controlSocket(), "bgp.control_socket");
        if (b.announce().isEmpty()) {
            error("bgp.announce", "required: the host routes this node announces while it serves, e.g. [\"192.0.2.10/32\"]");
        }
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < b.announce().size(); i++) {
            String p = "bgp.announce[" + i + "]";
            String text = b.announce().get(i);
            Cidr c;
            try {
                c = Cidr.parse(text);
            } catch (IllegalArgumentException e) {
                error(p, e.getMessage());
                continue;
            }
            int hostBits = c.network().length * 8;
            if (c.network().length == 16 && isIpv4Mapped(c.network())) {
                error(p, "'" + text + "' is an IPv4-mapped IPv6 address: announce the IPv4 address as a /32");
            } else if (c.prefix() != hostBits) {
                error(p, "'" + text + "' is not a host route: announce takes one address each, /32 for IPv4, /128"
                        + " for IPv6 (a /" + c.prefix() + " would draw traffic for addresses this node does not serve)");
            } else {
                String first = seen.putIfAbsent(java.util.Arrays.toString(c.network()), p);
                if (first != null) {
                    error(p, "'" + text + "' is announced twice (first at " + at(first) + ")");
                }
            }
        }
        List<Bgp.WithdrawWhen> when = b.withdrawWhen();
        if (when != null) {
            for (int i = 0; i < when.size(); i++) {
                if (when.indexOf(when.get(i)) < i) {
                    error("bgp.withdraw_when[" + i + "]", lower(when.get(i)) + " is listed twice");
                }
            }
        }
        if (b.drain() != null && !b.withdrawsWhen(Bgp.WithdrawWhen.STOPPING)) {
            error("bgp.drain", "drain is the wait after the withdrawal on a planned stop:"
                    + " add 'stopping' to bgp.withdraw_when, or remove drain");
        }
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private void absolute(String path, String yamlPath) {
        if (path != null && !path.startsWith("/")) {
            error(yamlPath, key(yamlPath) + " must be an absolute path, got '" + path + "'");
        }
    }

    // ---- helpers

    private void nonNegative(Integer v, String path) {
        if (v != null && v < 0) {
            error(path, key(path) + " must not be negative, got " + v);
        }
    }

    private void atLeast(Integer v, int min, String path) {
        if (v != null && v < min) {
            error(path, key(path) + " must be at least " + min + ", got " + v);
        }
    }

    private void positive(Duration d, String path) {
        if (d != null && (d.isZero() || d.isNegative())) {
            error(path, key(path) + " must be longer than 0");
        }
    }

    private static String key(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String suggest(String name, java.util.Collection<String> candidates) {
        String hint = RecordBinder.hint(name, candidates);
        return hint.startsWith(" (did you mean") ? hint : "";
    }

    @Override
    public void error(String path, String message) {
        problems.addUnlessCovered(location(path), path, message);
    }

    @Override
    public String at(String path) {
        return location(path).toString();
    }

    /** The location of a path, or of its nearest parent that was written. */
    private YamlNode.Location location(String path) {
        String p = path;
        while (true) {
            YamlNode.Location l = locations.get(p);
            if (l != null) {
                return l;
            }
            if (p.isEmpty()) {
                return new YamlNode.Location(ConfigFiles.PROXY_YAML, 1);
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
    }
}
