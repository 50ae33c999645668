package io.pointsman.agent.importer.yaml;

/** A string, integer, boolean, or null (YAML's null: in a host file it deletes the key). */
public record YScalar(Object value) implements YNode {
    public YScalar {
        if (value != null && !(value instanceof String || value instanceof Integer || value instanceof Long || value instanceof Boolean)) {
            throw new IllegalArgumentException("not a scalar: " + value);
        }
    }
}
