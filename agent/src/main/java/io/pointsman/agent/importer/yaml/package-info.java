/**
 * The YAML the importer writes: a small tree ({@link io.pointsman.agent.importer.yaml.YMap},
 * {@link io.pointsman.agent.importer.yaml.YList}, {@link io.pointsman.agent.importer.yaml.YScalar})
 * whose entries carry comments, and {@link io.pointsman.agent.importer.yaml.YamlText}, which writes
 * it in the style of the hand-written examples (flow style for small entries, comments naming
 * the source line). SnakeYAML's dumper writes no comments, hence this.
 */
package io.pointsman.agent.importer.yaml;
