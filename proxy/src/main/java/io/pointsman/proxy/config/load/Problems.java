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

    void add(YamlNode.Location at, String path, String message) {
        errors.add(new ConfigError(at.file(), at.line(), path, message));
    }

    /** Adds the error unless one about this path, a parent or a child of it is known. */
    void addUnlessCovered(YamlNode.Location at, String path, String message) {
        if (!covered(path)) {
            add(at, path, message);
        }
    }

    boolean covered(String path) {
        for (ConfigError e : errors) {
            String p = e.path();
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
