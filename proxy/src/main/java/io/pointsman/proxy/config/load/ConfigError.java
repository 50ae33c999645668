package io.pointsman.proxy.config.load;

/**
 * One validation error, printed as {@code FILE:LINE: YAML.PATH: message}, e.g.
 * {@code proxy.yaml:14: frontends[1].use_backend[0].backend: no backend named 'api'}.
 * The message never holds a secret's value.
 */
public record ConfigError(String file, int line, String path, String message) implements Comparable<ConfigError> {
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (path != null && !path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }

    @Override
    public int compareTo(ConfigError o) {
        int c = file.compareTo(o.file);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(line, o.line);
        return c != 0 ? c : toString().compareTo(o.toString());
    }
}
