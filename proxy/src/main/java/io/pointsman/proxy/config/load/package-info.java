/**
 * From files to a validated {@link io.pointsman.proxy.config.ProxyConfig}: YAML with
 * line numbers, host-override merge (SPEC §2), secret resolution and redaction,
 * binding to records, validation with every error at once.
 *
 * <p>Starting point: {@link io.pointsman.proxy.config.load.ConfigLoader#load}.
 * Input is a {@link io.pointsman.proxy.config.load.ConfigFiles} (file path to text), so
 * the agent can feed files read from a git commit and the CLI files from a directory.
 *
 * <p>The phases, in order, each a small class: {@code YamlReader} (text to a
 * {@link io.pointsman.proxy.config.load.YamlNode} tree with file and line on every node),
 * {@code HostMerge} (hosts/NODE.yaml over proxy.yaml, nodes keep their origin),
 * {@code SecretResolver} ({@code ${env:..}}/{@code ${file:..}}; resolved scalars are
 * marked secret), {@code RecordBinder} (tree to records, unknown keys and wrong types),
 * {@code ConfigValidator} (the semantic rules), {@code YamlWriter} (the rendered, redacted
 * YAML). Errors are collected in {@code Problems}; a later phase stays quiet about a
 * path an earlier one already reported, so one mistake gives one message.
 */
package io.pointsman.proxy.config.load;
