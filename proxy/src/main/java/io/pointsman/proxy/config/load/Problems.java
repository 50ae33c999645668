package io.pointsman.proxy.config.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every error of one load, so the user sees them all at once. A later phase
 * (binding, validation) adds an error only when no earlier error already covers the
 * same YAML path, so one mistake gives one message, not a cascade.
 */
final class Problems {
    private final List<ConfigError> errors = new ArrayList<>();
    /** Paths (in the merged tree) that later phases should not report on again. */
    private final List<String> covering = new ArrayList<>();

    void add(YamlNode.Location at, String path, String message) {
        errors.add(new ConfigError(at.file(), at.line(), path, message));
        covering.add(path);
    }

    /** An error whose path is not one of the merged tree (e.g. a host file's own list index): covers nothing. */
    void addUncovering(YamlNode.Location at, String path, String message) {
        errors.add(new ConfigError(at.file(), at.line(), path, message));
    }

    /** Adds the error unless one about this path, a parent or a child of it is known. */
    void addUnlessCovered(YamlNode.Location at, String path, String message) {
        if (!covered(path)) {
            add(at, path, message);
        }
    }

    boolean covered(String path) {
        for (String p : covering) {
            if (p == null || p.isEmpty()) {
                continue;
            }
            if (Paths.within(path, p) || (!path.isEmpty() && Paths.within(p, path))) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    List<ConfigError> errors() {
        return List.copyOf(errors);
    }
}
