package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.AclExpr;
import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.CfgSection;
import io.pointsman.agent.importer.haproxy.RuleCondition;
import io.pointsman.agent.importer.haproxy.SectionKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A frontend, backend or listen on its way to proxy.yaml: what the keyword handlers found,
 * each value with its line, before names are resolved across proxies and the YAML is
 * assembled.
 */
final class ProxyDraft {
    final CfgSection section;
    final String name;
    final SectionKind kind;

    Sourced<String> mode;
    final List<BindDraft> binds = new ArrayList<>();
    Sourced<Integer> maxconn;
    Sourced<Boolean> forwardfor;
    /** {@code option forwardfor except NET header NAME if-none}: the proxy.yaml map, or null for plain {@code true}. */
    io.pointsman.agent.importer.yaml.YMap forwardforOptions;
    /** YAML timeout key ({@code client}, {@code http_request} …) → duration. */
    final Map<String, Sourced<String>> timeouts = new LinkedHashMap<>();
    final List<AclDef> acls = new ArrayList<>();
    final List<RuleDraft> rules = new ArrayList<>();
    Sourced<String> defaultBackend;

    Sourced<String> balance;
    Sourced<Integer> retries;
    Sourced<Boolean> redispatch;
    Sourced<Boolean> allbackups;
    /** {@code http-reuse}, or {@code never} from {@code option http-server-close}/{@code httpclose}. */
    Sourced<String> httpReuse;
    /** The connection-mode option of a frontend (http-server-close …), settled per backend it routes to. */
    Sourced<String> frontendServerClose;
    Sourced<List<String>> retryOn;
    Sourced<Boolean> abortonclose;
    /** {@code option httpchk} and {@code http-check} settings. */
    final CheckDraft check = new CheckDraft();
    final List<ServerDraft> servers = new ArrayList<>();
    /** The TLS of this backend's TLS servers (their most common settings), or null for none. */
    Sourced<TlsOptions.Server> serverTls;
    /** HAProxy checks the TLS servers in plaintext ({@code no-check-ssl}, or a check port without check-ssl). */
    boolean plainChecks;
    /** {@code default-server} options so far, applied before each server's own. */
    final List<String> defaultServer = new ArrayList<>();
    Sourced<Boolean> nolinger;

    /** http-request (and redirect, block, 1.x req*) rules in HAProxy's order; see {@link RuleKeywords}. */
    final List<ActionDraft> httpRequest = new ArrayList<>();
    final List<ActionDraft> httpResponse = new ArrayList<>();
    final List<ActionDraft> tcpRequest = new ArrayList<>();
    /** {@code errorfile CODE FILE}: status → file. */
    final Map<Integer, Sourced<String>> errorfiles = new java.util.TreeMap<>();

    /** log_format, dontlognull, dontlog_normal, log_separate_errors (frontend side). */
    final Map<String, Sourced<Object>> logging = new LinkedHashMap<>();
    final List<Sourced<String[]>> captureRequest = new ArrayList<>();
    final List<Sourced<String[]>> captureResponse = new ArrayList<>();
    Sourced<Boolean> logHealthChecks;
    /** tcpka for the frontend side and the backend side. */
    Sourced<Boolean> tcpkaFront;
    Sourced<Boolean> tcpkaBack;

    final StatsDraft stats = new StatsDraft();
    /** Lines that only matter when the frontend routes by SNI (tcp-request inspect-delay …). */
    final List<CfgLine> sniHelpers = new ArrayList<>();
    /** Set when the whole proxy stays out of proxy.yaml. */
    String omitted;

    ProxyDraft(CfgSection section) {
        this.section = section;
        this.name = section.name();
        this.kind = section.kind();
    }

    boolean frontendSide() {
        return kind.hasFrontend();
    }

    boolean backendSide() {
        return kind.hasBackend();
    }

    /** http or tcp: HAProxy's default mode is tcp. */
    String effectiveMode() {
        return mode == null ? "tcp" : mode.value();
    }

    String label() {
        return section.label();
    }

    /**
     * One listening address; {@code tls} what its line's {@code ssl crt …} terminates (null =
     * plain), {@code acceptProxy} its {@code accept-proxy}.
     */
    record BindDraft(String address, CfgLine line, TlsOptions.Bind tls, boolean acceptProxy) {
    }

    /** One {@code acl} line. {@code expr} is null when it did not parse (reported as an error). */
    record AclDef(String name, CfgLine line, AclExpr expr) {
    }

    /** One {@code use_backend} line. */
    record RuleDraft(CfgLine line, String backend, RuleCondition condition) {
    }

    /**
     * One rule line: its proxy.yaml action ({@code {redirect: {...}}}), its condition, and
     * where HAProxy evaluates it ({@code order}: block 0, http-request 1, 1.x req* 2, redirect 3).
     * {@code userlist} is set for {@code http-request auth}: the condition's http_auth(L) terms
     * are what the action checks, not part of the rule's condition.
     */
    record ActionDraft(CfgLine line, io.pointsman.agent.importer.yaml.YMap action, RuleCondition condition, int order,
            String userlist) {
    }

    /** A rule that made it into proxy.yaml: its line and its {@code use_backend} entry. */
    record EmittedRule(RuleDraft source, io.pointsman.agent.importer.yaml.YMap yaml) {
    }

    /** Health-check settings of a backend. */
    static final class CheckDraft {
        /** http, ssl_hello, redis, smtp, mysql, pgsql; null = tcp (or script, see {@link #tcpCheck}). */
        Sourced<String> type;
        Sourced<String> path;
        Sourced<String> method;
        Sourced<String> version;
        Sourced<String> host;
        final Map<String, String> headers = new LinkedHashMap<>();
        Sourced<String> expectStatus;
        Sourced<String> expectBody;
        Sourced<String> expectBodyReg;
        Sourced<String> user;
        CfgLine disableOn404;
        /** {@code option tcp-check}: a script check when it has steps. */
        CfgLine tcpCheck;
        final List<Sourced<String[]>> script = new ArrayList<>();
        /** A tcp-check step that has no equivalent: the script is left out, the check is a TCP connect. */
        CfgLine scriptBroken;
        /** {@code tcp-check connect port N}. */
        Sourced<Integer> port;
        /** A check option Pointsman cannot run (ldap-check …): servers are checked with a TCP connect. */
        CfgLine unsupported;

        /** Another check option replaces the earlier one, as in HAProxy. */
        void reset() {
            type = null;
            path = null;
            method = null;
            version = null;
            host = null;
            headers.clear();
            tcpCheck = null;
            unsupported = null;
        }
    }

    /** One server line, with default-server options applied. */
    static final class ServerDraft {
        final CfgLine line;
        final String name;
        String address;
        boolean check;
        Integer weight;
        boolean backup;
        Integer maxconn;
        boolean disabled;
        String sendProxy = "none";
        /** Options left out, each with its reason. */
        final List<String> left = new ArrayList<>();
        /** inter / rise / fall in effect for this server (HAProxy defaults when unset). */
        long interMs = 2000;
        int rise = 2;
        int fall = 3;
        Integer maxqueue;
        /** {@code resolvers NAME}. */
        String resolvers;
        /** Notes on options Pointsman takes differently. */
        final List<String> notes = new ArrayList<>();
        /** slowstart in ms, on-marked-down, check port, fastinter/downinter in ms (null: unset). */
        Long slowstartMs;
        String onMarkedDown;
        Integer checkPort;
        Long fastinterMs;
        Long downinterMs;
        /** Why it cannot be translated; null when it can. */
        String failure;
        /** For a {@code server-template}: how many servers (its name is the prefix); null for a server. */
        Integer templateCount;
        /** TLS to the server ({@code ssl}, {@code verify}, {@code ca-file} …). */
        TlsOptions.Server tls = new TlsOptions.Server();

        ServerDraft(CfgLine line, String name) {
            this.line = line;
            this.name = name;
        }
    }

    /** {@code stats …} lines of this proxy. */
    static final class StatsDraft {
        CfgLine enable;
        Sourced<String> uri;
        Sourced<String> refresh;
        final List<Sourced<String[]>> auth = new ArrayList<>();
        /** {@code stats admin if …}. */
        CfgLine admin;
        final List<CfgLine> lines = new ArrayList<>();

        boolean enabled() {
            return enable != null || uri != null || !auth.isEmpty() || refresh != null;
        }
    }
}
