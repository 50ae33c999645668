package io.pointsman.agent.importer.yaml;

/** A YAML value the importer writes: a map, a list or a scalar, each entry with an optional comment. */
public sealed interface YNode permits YMap, YList, YScalar {

    static YScalar of(Object value) {
        return new YScalar(value);
    }
}
