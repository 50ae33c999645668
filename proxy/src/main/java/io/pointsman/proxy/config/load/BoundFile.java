package io.pointsman.proxy.config.load;

import java.util.List;
import java.util.Map;

/**
 * One more YAML file of a config repo bound to records (e.g. the agent's {@code fleet.yaml}),
 * with where each YAML path was written, so the caller's own checks can say
 * {@code FILE:LINE: PATH: message} as validation does.
 *
 * @param value  the bound record; where a value was bad, that component is null
 * @param errors what binding found wrong (unknown keys, wrong types): the caller adds its own
 *               and reports them all at once
 */
public record BoundFile<T>(String file, T value, Map<String, YamlNode.Location> locations, List<ConfigError> errors) {
    public BoundFile {
        locations = Map.copyOf(locations);
        errors = List.copyOf(errors);
    }

    /** An error at {@code path} (or at the nearest parent that was written). */
    public ConfigError error(String path, String message) {
        String p = path;
        while (!locations.containsKey(p) && !p.isEmpty()) {
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        YamlNode.Location at = locations.get(p);
        return new ConfigError(file, at == null ? 0 : at.line(), path, message);
    }
}
