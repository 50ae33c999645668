package io.pointsman.proxy.statspage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsman.proxy.stats.HttpResponses;
import io.pointsman.proxy.stats.StatusClass;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code uri;json}: a stable shape of our own (HAProxy's JSON is a typed field list that
 * few people like to read). Fields are only ever added, never renamed:
 * <pre>
 * { "node": "lb1", "version": "0.1.0", "revision": "&lt;40 hex&gt;", "revisionShort": "&lt;7 hex&gt;",
 *   "generation": 3, "uptimeSeconds": 120, "time": "2026-11-23T21:00:00Z",
 *   "proxies": [ { "name": "web-farm", "mode": "http",
 *                  "frontend": ROW | null, "servers": [ROW…], "backend": ROW | null } ] }
 * </pre>
 * ROW has the components of {@link StatsRow} under their Java names ({@code type},
 * {@code name}, {@code status}, {@code currentSessions}, {@code bytesIn}, …,
 * {@code checkDurationMillis}) plus {@code serving}; unknown values are null.
 * {@code httpResponses} counts responses by status class with HAProxy's class names,
 * {@code {"1xx": 0, "2xx": 120, "3xx": 4, "4xx": 9, "5xx": 1, "other": 0}}, and is null for
 * tcp-mode rows (HAProxy's {@code hrsp_*} fields are empty there too).
 */
public final class JsonStats {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonStats() {
    }

    public static String render(StatsReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("node", report.node());
        root.put("version", report.version());
        root.put("revision", report.revision());
        root.put("revisionShort", report.shortRevision());
        root.put("generation", report.generation());
        root.put("uptimeSeconds", report.uptimeSeconds());
        root.put("time", report.time().toString());
        List<Object> proxies = new ArrayList<>();
        for (ProxySection p : report.proxies()) {
            Map<String, Object> proxy = new LinkedHashMap<>();
            proxy.put("name", p.name());
            proxy.put("mode", p.mode());
            proxy.put("frontend", row(p.frontend()));
            proxy.put("servers", p.servers().stream().map(JsonStats::row).toList());
            proxy.put("backend", row(p.backend()));
            proxies.add(proxy);
        }
        root.put("proxies", proxies);
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot render stats as JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(StatsRow row) {
        if (row == null) {
            return null;
        }
        Map<String, Object> map = MAPPER.convertValue(row, LinkedHashMap.class);
        map.put("httpResponses", byClass(row.httpResponses()));
        map.put("serving", row.serving());
        return map;
    }

    private static Map<String, Long> byClass(HttpResponses responses) {
        if (responses == null) {
            return null;
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (StatusClass c : StatusClass.values()) {
            out.put(c.label(), responses.count(c));
        }
        return out;
    }
}
