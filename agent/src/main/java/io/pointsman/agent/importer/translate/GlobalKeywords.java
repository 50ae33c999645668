package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.yaml.YMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code global} section: the few settings proxy.yaml's {@code global:} holds
 * ({@code maxconn}, {@code nbthread}, {@code hard-stop-after}); process management HAProxy
 * needs and Pointsman does not (it runs as one process under systemd); and the rest with
 * the reason each is left out.
 */
final class GlobalKeywords {
    /** What proxy.yaml's global section gets: key → value, with the line. */
    record Settings(Sourced<Integer> maxconn, Sourced<Integer> threads, Sourced<String> hardStopAfter,
            List<Sourced<YMap>> log, Sourced<TlsOptions.Policy> tlsDefaults, Sourced<TlsOptions.Policy> serverTlsDefaults) {
    }

    private static final Set<String> FACILITIES = Set.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7");
    private static final List<String> LEVELS = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info",
            "debug");

    private static final String PROCESS = "process management: Pointsman runs as one process under systemd"
            + " (the Debian package sets user, limits and hardening)";
    private static final Map<String, String> NOT_NEEDED = Map.ofEntries(
            Map.entry("daemon", PROCESS), Map.entry("user", PROCESS), Map.entry("group", PROCESS),
            Map.entry("uid", PROCESS), Map.entry("gid", PROCESS), Map.entry("chroot", PROCESS),
            Map.entry("pidfile", PROCESS), Map.entry("master-worker", PROCESS), Map.entry("mworker-max-reloads", PROCESS),
            Map.entry("quiet", PROCESS), Map.entry("ulimit-n", PROCESS), Map.entry("set-dumpable", PROCESS),
            Map.entry("nbproc", "Pointsman is one process (threads: global.threads)"),
            Map.entry("cpu-map", "CPU pinning is left to systemd (CPUAffinity=)"),
            Map.entry("node", "the stats page shows the Pointsman node name (--node)"),
            Map.entry("description", "the stats page shows the node name and commit"),
            Map.entry("setenv", "only changes what later ${VAR} in haproxy.cfg expand to (done by the import)"),
            Map.entry("presetenv", "only changes what later ${VAR} in haproxy.cfg expand to (done by the import)"),
            Map.entry("unsetenv", "only changes what later ${VAR} in haproxy.cfg expand to (done by the import)"),
            Map.entry("resetenv", "only changes what later ${VAR} in haproxy.cfg expand to (done by the import)"),
            Map.entry("server-state-file", "Pointsman keeps server state across config changes by itself"),
            Map.entry("server-state-base", "Pointsman keeps server state across config changes by itself"),
            Map.entry("unix-bind", "the runtime API socket: Pointsman's is HTTP on the status listener"),
            Map.entry("insecure-fork-wanted", "Pointsman forks nothing"),
            Map.entry("insecure-setuid-wanted", "Pointsman forks nothing"),
            Map.entry("localpeer", "peers sync stick tables; Pointsman has none"),
            Map.entry("expose-experimental-directives", "an HAProxy parser switch"),
            Map.entry("expose-deprecated-directives", "an HAProxy parser switch"),
            Map.entry("zero-warning", "an HAProxy parser switch"),
            Map.entry("default-path", "only changes how HAProxy resolves relative paths"),
            Map.entry("strict-limits", "Pointsman sets no process limits itself"),
            Map.entry("busy-polling", "event-loop tuning; Pointsman has its own"),
            Map.entry("maxpipes", "splice tuning; Pointsman does not splice"),
            Map.entry("noepoll", "poller choice; Pointsman picks io_uring, epoll or NIO itself"),
            Map.entry("nopoll", "poller choice; Pointsman picks io_uring, epoll or NIO itself"),
            Map.entry("nosplice", "Pointsman does not splice"),
            Map.entry("noreuseport", "socket tuning; Pointsman has its own"),
            Map.entry("nogetaddrinfo", "resolver choice; Pointsman uses the JVM's"),
            Map.entry("numa-cpu-mapping", "CPU placement is left to the system"),
            Map.entry("log-send-hostname", "syslog format detail (SPEC §10)"));

    /** What ssl-default-bind-options and ssl-default-server-options take (src/cfgparse-ssl.c). */
    private static final Set<String> DEFAULT_OPTIONS = Set.of("no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12",
            "no-tlsv13", "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13",
            "no-tls-tickets", "prefer-client-ciphers", "ssl-min-ver", "ssl-max-ver");

    private GlobalKeywords() {}

    static Settings translate(java.util.List<CfgLine> lines, Translation t) {
        Sourced<Integer> maxconn = null;
        Sourced<Integer> threads = null;
        Sourced<String> hardStop = null;
        List<Sourced<YMap>> log = new ArrayList<>();
        TlsOptions.Policy bindTls = new TlsOptions.Policy();
        TlsOptions.Policy serverTls = new TlsOptions.Policy();
        CfgLine bindTlsLine = null;
        CfgLine serverTlsLine = null;
        String tag = null;
        for (CfgLine l : lines) {
            if (l.keyword().equals("log-tag") && l.word(1) != null) {
                tag = l.word(1);
            }
        }
        for (CfgLine l : lines) {
            String k = l.keyword();
            switch (k) {
                case "maxconn" -> {
                    Integer n = HaproxyValues.integer(l.word(1));
                    if (n == null) {
                        error(t, l, "'maxconn' expects a number");
                    } else {
                        maxconn = new Sourced<>(n, l);
                        translated(t, l);
                    }
                }
                case "nbthread" -> {
                    Integer n = HaproxyValues.integer(l.word(1));
                    if (n == null || n < 1) {
                        error(t, l, "'nbthread' expects a number of at least 1");
                    } else {
                        threads = new Sourced<>(n, l);
                        translated(t, l);
                    }
                }
                case "hard-stop-after" -> {
                    try {
                        hardStop = new Sourced<>(HaproxyValues.duration(HaproxyValues.time(l.word(1))), l);
                        translated(t, l);
                        t.outcomes.add(l, LineOutcomes.Kind.NOTE, "Pointsman closes connections of an older config"
                                + " this long after a config change (HAProxy: after a reload)", null);
                    } catch (IllegalArgumentException e) {
                        error(t, l, "hard-stop-after: " + e.getMessage());
                    }
                }
                case "crt-base" -> {
                    t.crtBase = l.word(1);
                    t.outcomes.add(l, LineOutcomes.Kind.NOT_NEEDED, "relative crt paths are written out in full", null);
                }
                case "stats" -> stats(l, t);
                case "log" -> {
                    YMap target = logTarget(l, t, tag);
                    if (target != null) {
                        log.add(new Sourced<>(target, l));
                        translated(t, l);
                    }
                }
                case "log-tag" -> translated(t, l);
                case "ca-base" -> {
                    t.caBase = l.word(1);
                    t.outcomes.add(l, LineOutcomes.Kind.NOT_NEEDED, "relative ca-file and crl-file paths are written out"
                            + " in full", null);
                }
                case "ssl-server-verify" -> {
                    if (!"none".equals(l.word(1)) && !"required".equals(l.word(1))) {
                        error(t, l, "ssl-server-verify expects none or required");
                    } else {
                        t.serverVerify = l.word(1);
                        translated(t, l);
                        t.outcomes.add(l, LineOutcomes.Kind.NOTE, "written as the verify of each backend's tls", null);
                    }
                }
                case "ssl-default-bind-ciphers", "ssl-default-bind-ciphersuites", "ssl-default-bind-options" -> {
                    // The first such line names the section, also when it kept only part of itself.
                    tlsDefaults(l, bindTls, false, t);
                    bindTlsLine = bindTlsLine == null ? l : bindTlsLine;
                }
                case "ssl-default-server-ciphers", "ssl-default-server-ciphersuites", "ssl-default-server-options" -> {
                    tlsDefaults(l, serverTls, true, t);
                    serverTlsLine = serverTlsLine == null ? l : serverTlsLine;
                }
                default -> other(l, t);
            }
        }
        YMap bindYaml = new YMap();
        bindTls.putPolicy(bindYaml);
        YMap serverYaml = new YMap();
        serverTls.putPolicy(serverYaml);
        return new Settings(maxconn, threads, hardStop, log,
                bindYaml.isEmpty() ? null : new Sourced<>(bindTls, bindTlsLine),
                serverYaml.isEmpty() ? null : new Sourced<>(serverTls, serverTlsLine));
    }

    /**
     * {@code ssl-default-bind-*} and {@code ssl-default-server-*}: ciphers, ciphersuites and
     * the version and ticket options, into {@code global.tls_defaults} or
     * {@code global.server_tls_defaults}; false when nothing of the line was kept.
     */
    private static boolean tlsDefaults(CfgLine l, TlsOptions.Policy p, boolean server, Translation t) {
        String k = l.keyword();
        if (l.word(1) == null) {
            error(t, l, "'" + k + "' expects an argument");
            return false;
        }
        int before = p.left.size();
        String[] error = new String[1];
        int options = 1;
        if (k.endsWith("-ciphers") || k.endsWith("-ciphersuites")) {
            p.apply(k.endsWith("-ciphers") ? "ciphers" : "ciphersuites", l.word(1), error);
        } else {
            options = 0;
            for (int i = 1; i < l.size(); i++) {
                options++;
                String opt = l.word(i);
                boolean versioned = opt.equals("ssl-min-ver") || opt.equals("ssl-max-ver");
                String arg = versioned ? l.word(++i) : null;
                if (versioned && arg == null) {
                    error(t, l, "'" + opt + "' expects a version");
                    return false;
                }
                if (!DEFAULT_OPTIONS.contains(opt) || (server && opt.equals("prefer-client-ciphers"))) {
                    error(t, l, "unknown option '" + opt + "' (HAProxy refuses it)");
                    return false;
                }
                if (server && (opt.equals("no-tls-tickets") || opt.equals("tls-tickets"))) {
                    if (opt.equals("no-tls-tickets")) {
                        p.left.add("no-tls-tickets: Pointsman resumes TLS sessions with its servers");
                    }
                } else if (!p.apply(opt, arg, error)) {
                    p.left.add(opt + ": no Pointsman equivalent" + (opt.equals("prefer-client-ciphers")
                            ? " (Pointsman picks ciphers in its own order)" : ""));
                }
                if (error[0] != null) {
                    break;
                }
            }
        }
        if (error[0] != null) {
            error(t, l, error[0]);
            return false;
        }
        List<String> left = new ArrayList<>(p.left.subList(before, p.left.size()));
        boolean kept = options > left.size();
        if (kept) {
            translated(t, l);
        }
        if (!left.isEmpty()) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, String.join("; ", left), null);
        }
        return kept;
    }

    /**
     * {@code log ADDRESS [len N] [format F] [sample R:S] FACILITY [LEVEL [MINLEVEL]]} as a
     * {@code global.log} target; null after recording why not.
     */
    private static YMap logTarget(CfgLine l, Translation t, String tag) {
        List<String> w = l.words();
        if (l.negated() || w.size() < 2 || w.get(1).equals("global")) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_NEEDED, "'log global' means nothing in the global section", null);
            return null;
        }
        String address = w.get(1);
        String target;
        if (address.equals("stderr") || address.equals("stdout") || address.equals("fd@1") || address.equals("fd@2")) {
            target = "stderr";
            if (!address.endsWith("err") && !address.equals("fd@2")) {
                t.outcomes.add(l, LineOutcomes.Kind.NOTE, "stdout becomes stderr: Pointsman writes its lines there", null);
            }
        } else if (address.startsWith("/") || address.startsWith("unix@")) {
            target = "unix://" + (address.startsWith("unix@") ? address.substring(5) : address);
        } else if (address.startsWith("ring@") || address.startsWith("fd@")) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "'" + address + "': rings and file descriptors are not"
                    + " Pointsman log targets (udp, tcp, unix, stderr)", null);
            return null;
        } else {
            boolean tcp = address.startsWith("tcp@") || address.startsWith("tcp4@") || address.startsWith("tcp6@");
            String hostPort = address.replaceFirst("^(udp|udp4|udp6|tcp|tcp4|tcp6|ipv4|ipv6)@", "");
            int colon = hostPort.lastIndexOf(':');
            boolean v6 = hostPort.indexOf(':') != colon;
            String host = v6 && !hostPort.startsWith("[") ? "[" + hostPort + "]" : hostPort;
            if (v6 && !hostPort.startsWith("[")) {
                host = hostPort.contains("]") ? hostPort : "[" + hostPort + "]";
            }
            target = (tcp ? "tcp://" : "udp://") + host;
        }
        YMap m = new YMap().put("target", target);
        int i = 2;
        while (i < w.size() && (w.get(i).equals("len") || w.get(i).equals("format") || w.get(i).equals("sample")
                || w.get(i).equals("profile"))) {
            String opt = w.get(i);
            String v = i + 1 < w.size() ? w.get(i + 1) : null;
            if (opt.equals("format")) {
                if (v == null || !List.of("rfc3164", "rfc5424", "raw").contains(v)) {
                    t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "log format '" + v + "': Pointsman writes"
                            + " rfc3164, rfc5424 and raw", null);
                    return null;
                }
                m.put("format", v);
            } else if (opt.equals("sample") || opt.equals("profile")) {
                t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "log " + opt + " has no Pointsman equivalent", null);
                return null;
            } else {
                t.outcomes.add(l, LineOutcomes.Kind.NOTE, "len " + v + " is not kept: Pointsman does not cut its lines",
                        null);
            }
            i += 2;
        }
        if (i >= w.size() || !FACILITIES.contains(w.get(i))) {
            if (!target.equals("stderr")) {
                t.outcomes.add(l, LineOutcomes.Kind.ERROR, "log expects a facility after the address", null);
                return null;
            }
        } else {
            m.put("facility", w.get(i));
            i++;
        }
        if (i < w.size()) {
            if (!LEVELS.contains(w.get(i))) {
                t.outcomes.add(l, LineOutcomes.Kind.ERROR, "unknown log level '" + w.get(i) + "'", null);
                return null;
            }
            m.put("level", w.get(i));
            if (i + 1 < w.size()) {
                t.outcomes.add(l, LineOutcomes.Kind.NOTE, "the minimum level " + w.get(i + 1) + " is not kept: Pointsman"
                        + " sends every level up to " + w.get(i), null);
            }
        }
        if (tag != null && !target.equals("stderr")) {
            m.put("tag", tag);
        }
        return m;
    }

    private static void stats(CfgLine l, Translation t) {
        String what = l.word(1) == null ? "" : l.word(1);
        String why = switch (what) {
            case "socket" -> "the runtime API: Pointsman's is HTTP on the status listener (/status, /servers,"
                    + " POST /sync; SPEC §6, §11)";
            case "timeout", "maxconn", "bind-process" -> "setting of the runtime API socket; Pointsman's is HTTP on"
                    + " the status listener";
            default -> null;
        };
        if (why == null) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "no Pointsman equivalent", null);
        } else {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_NEEDED, why, null);
        }
    }

    private static void other(CfgLine l, Translation t) {
        String k = l.keyword();
        String why = NOT_NEEDED.get(k);
        if (why != null) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_NEEDED, why, null);
        } else if (k.startsWith("tune.")) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_NEEDED, "HAProxy tuning (buffers, TLS caches, limits);"
                    + " Pointsman sizes its own", null);
        } else if (k.equals("ssl-dh-param-file")) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_NEEDED, "Pointsman's TLS library (BoringSSL) has no finite-field"
                    + " DHE key exchange, so no DH parameters", null);
        } else if (k.startsWith("ssl-default-")) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "Pointsman uses its TLS library's groups and"
                    + " signature algorithms", null);
        } else if (k.startsWith("lua-")) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "Lua has no Pointsman equivalent", null);
        } else if (k.equals("spread-checks") || k.equals("max-spread-checks")) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "Pointsman does not spread checks", null);
        } else {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "no Pointsman equivalent", null);
        }
    }

    private static void translated(Translation t, CfgLine l) {
        t.outcomes.add(l, LineOutcomes.Kind.TRANSLATED, null, null);
    }

    private static void error(Translation t, CfgLine l, String message) {
        t.outcomes.add(l, LineOutcomes.Kind.ERROR, message, null);
    }
}
