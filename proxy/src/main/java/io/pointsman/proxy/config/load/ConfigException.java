package io.pointsman.proxy.config.load;

import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be used, with every error found. The message lists them one per line. */
public final class ConfigException extends Exception {
    private final List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
