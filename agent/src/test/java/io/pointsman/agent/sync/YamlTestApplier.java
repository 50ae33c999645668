package io.pointsman.agent.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pointsman.agent.git.Revision;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small but real applier for agent tests: parses proxy.yaml and the node's host file with
 * Jackson YAML, merges the host file over it key by key, refuses a document with
 * {@code invalid: true}, and "binds" the address under {@code bind:} with a real server socket
 * (kept open while that generation serves), so a port in use is a real bind failure.
 */
public final class YamlTestApplier implements ConfigApplier, AutoCloseable {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String node;
    private final List<Revision> applied = new CopyOnWriteArrayList<>();
    private volatile long generation;
    private volatile ObjectNode effective;
    private volatile String boundAddress;
    private ServerSocket listener;

    public YamlTestApplier(String node) {
        this.node = node;
    }

    @Override
    public synchronized ApplyOutcome apply(ConfigFiles files, Revision revision) {
        ObjectNode merged;
        try {
            merged = merge(files);
        } catch (IOException e) {
            return new ApplyOutcome.ValidationFailed(List.of("proxy.yaml: " + e.getMessage().lines().findFirst().orElse("")));
        }
        if (merged == null) {
            return new ApplyOutcome.ValidationFailed(List.of("proxy.yaml: missing"));
        }
        if (merged.path("invalid").asBoolean(false)) {
            return new ApplyOutcome.ValidationFailed(List.of("proxy.yaml:1: invalid: this revision is marked invalid"));
        }
        String bind = merged.path("bind").asText(null);
        if (bind != null && !bind.equals(boundAddress)) {
            HostPort hp = HostPort.parse(bind);
            ServerSocket s = null;
            try {
                s = new ServerSocket();
                s.bind(new InetSocketAddress(hp.host(), hp.port()));
            } catch (IOException e) {
                closeQuietly(s);
                return new ApplyOutcome.BindFailed("cannot bind " + bind + ": " + e.getMessage());
            }
            closeQuietly(listener);
            listener = s;
            boundAddress = bind;
        }
        effective = merged;
        applied.add(revision);
        generation++;
        return new ApplyOutcome.Applied(generation, "generation " + generation);
    }

    private ObjectNode merge(ConfigFiles files) throws IOException {
        String proxy = files.get(ConfigFiles.PROXY_YAML);
        if (proxy == null) {
            return null;
        }
        JsonNode base = YAML.readTree(proxy);
        ObjectNode out = base instanceof ObjectNode o ? o.deepCopy() : YAML.createObjectNode();
        String host = files.get(ConfigFiles.hostFile(node));
        if (host != null && YAML.readTree(host) instanceof ObjectNode h) {
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    @Override
    public boolean serving() {
        return generation > 0;
    }

    @Override
    public String effectiveConfig() {
        ObjectNode e = effective;
        try {
            return e == null ? "" : YAML.writeValueAsString(e);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public String diff(ConfigFiles candidate) {
        ObjectNode now = effective == null ? YAML.createObjectNode() : effective;
        ObjectNode next;
        try {
            next = merge(candidate);
        } catch (IOException e) {
            return "invalid: " + e.getMessage();
        }
        StringBuilder sb = new StringBuilder();
        for (Iterator<String> it = next.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!now.has(k)) {
                sb.append("added: ").append(k).append('\n');
            } else if (!now.get(k).equals(next.get(k))) {
                sb.append("changed: ").append(k).append('\n');
            }
        }
        for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!next.has(k)) {
                sb.append("removed: ").append(k).append('\n');
            }
        }
        return sb.length() == 0 ? "no changes\n" : sb.toString();
    }

    @Override
    public String proxyMetrics() {
        return "# TYPE pointsman_test_generation gauge\npointsman_test_generation " + generation + "\n";
    }

    /** Every revision applied, in order. */
    public List<Revision> appliedRevisions() {
        return List.copyOf(applied);
    }

    public String value(String key) {
        ObjectNode e = effective;
        return e == null || !e.has(key) ? null : e.get(key).asText();
    }

    private static void closeQuietly(ServerSocket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a test listener
            }
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly(listener);
        listener = null;
    }
}
