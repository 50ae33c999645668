package io.pointsman.proxy.log;

import io.pointsman.proxy.config.LogTarget;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every log target the process has, across generations: a target that a new config keeps
 * unchanged keeps its {@link LogSink} (its buffer, thread, socket and counts), so a swap
 * loses no line. {@link #prepare} before a swap makes the targets a config names (new
 * ones open no socket until their first line); {@link #retainOnly} after it closes those no
 * generation being served names any more. Serialized by the runtime's apply.
 */
public final class LogSinks implements AutoCloseable {
    private final Map<LogTarget, LogSink> sinks = new LinkedHashMap<>();
    private final String hostname;

    public LogSinks() {
        this.hostname = localHostname();
    }

    /** The targets of a normalized config, reusing the sinks of equal specs. */
    public synchronized LogTargets prepare(List<LogTarget> targets) {
        if (targets.isEmpty()) {
            return new LogTargets(List.of(), hostname);
        }
        List<LogSink> out = new ArrayList<>(targets.size());
        for (LogTarget t : targets) {
            out.add(sinks.computeIfAbsent(t, spec -> new LogSink(spec, hostname)));
        }
        return new LogTargets(out, hostname);
    }

    /** Closes the sinks that none of {@code kept} uses (after a swap, or a refused one). */
    public synchronized void retainOnly(List<LogTargets> kept) {
        Set<LogSink> used = new HashSet<>();
        for (LogTargets t : kept) {
            used.addAll(t.sinks());
        }
        sinks.values().removeIf(s -> {
            if (used.contains(s)) {
                return false;
            }
            s.close();
            return true;
        });
    }

    /** Every sink, for {@code /metrics}. */
    public synchronized List<LogSink> all() {
        return List.copyOf(sinks.values());
    }

    @Override
    public synchronized void close() {
        sinks.values().forEach(LogSink::close);
        sinks.clear();
    }

    /** The node's host name, as syslog messages carry it: short, no domain. */
    static String localHostname() {
        String env = System.getenv("HOSTNAME");
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return dot > 0 && !Character.isDigit(h.charAt(0)) ? h.substring(0, dot) : h;
        } catch (UnknownHostException e) {
            return env != null && !env.isEmpty() ? env : "localhost";
        }
    }
}
