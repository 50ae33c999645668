package io.pointsman.agent.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pointsman.proxy.config.Durations;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.time.Duration;

/**
 * The {@code sync:} options the agent needs before it applies a revision (SPEC §5.8):
 * {@code apply_delay} and {@code suspend}, from {@code proxy.yaml} with {@code hosts/<node>.yaml}
 * merged over it key by key.
 *
 * <p>Read leniently on purpose: a malformed value counts as unset here, and the full
 * validation of the applier reports it with file and line.
 */
public record NodeSyncSettings(Duration applyDelay, boolean suspend) {
    public static final NodeSyncSettings NONE = new NodeSyncSettings(Duration.ZERO, false);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public static NodeSyncSettings of(ConfigFiles files, String node) {
        Duration delay = Duration.ZERO;
        boolean suspend = false;
        for (String path : new String[] {ConfigFiles.PROXY_YAML, node == null ? null : ConfigFiles.hostFile(node)}) {
            JsonNode sync = syncSection(path == null ? null : files.get(path));
            if (sync == null) {
                continue;
            }
            if (sync.has("apply_delay")) {
                delay = parseDelay(sync.get("apply_delay"));
            }
            if (sync.has("suspend")) {
                suspend = sync.get("suspend").asBoolean(false);
            }
        }
        return new NodeSyncSettings(delay, suspend);
    }

    private static JsonNode syncSection(String yaml) {
        if (yaml == null || yaml.isBlank()) {
            return null;
        }
        try {
            JsonNode root = YAML.readTree(yaml);
            JsonNode sync = root == null ? null : root.get("sync");
            return sync != null && sync.isObject() ? sync : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static Duration parseDelay(JsonNode v) {
        if (v == null || v.isNull()) {
            return Duration.ZERO;
        }
        try {
            Duration d = Durations.parse(v.asText());
            return d == null || d.isNegative() ? Duration.ZERO : d;
        } catch (RuntimeException e) {
            return Duration.ZERO;
        }
    }
}
