package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import java.util.Map;

/**
 * The {@code global} section: the few settings proxy.yaml's {@code global:} holds
 * ({@code maxconn}, {@code nbthread}, {@code hard-stop-after}); process management HAProxy
 * needs and Pointsman does not (it runs as one process under systemd); and the rest with
 * the reason each is left out.
 */
final class GlobalKeywords {
    /** What proxy.yaml's global section gets: key → value, with the line. */
    record Settings(Sourced<Integer> maxconn, Sourced<Integer> threads, Sourced<String> hardStopAfter) {
    }

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
            Map.entry("ca-base", "used to resolve relative CA paths"),
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

    private GlobalKeywords() {}

    static Settings translate(java.util.List<CfgLine> lines, Translation t) {
        Sourced<Integer> maxconn = null;
        Sourced<Integer> threads = null;
        Sourced<String> hardStop = null;
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
                case "log", "log-tag" -> t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED,
                        "log targets are not supported by Pointsman yet (SPEC §10); Pointsman logs to stderr"
                                + " (journald under systemd)", null);
                default -> other(l, t);
            }
        }
        return new Settings(maxconn, threads, hardStop);
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
        } else if (k.startsWith("ssl-default-") || k.equals("ssl-server-verify") || k.equals("ssl-dh-param-file")) {
            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "TLS defaults are not supported by Pointsman yet"
                    + " (SPEC §9 tls_defaults)", null);
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
