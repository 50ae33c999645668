/**
 * From files to a validated {@link io.pointsman.proxy.config.ProxyConfig}: YAML with
 * line numbers, host-override merge (SPEC §2), secret resolution and redaction,
 * binding to records, validation with every error at once.
 *
 * <p>Starting point: {@link io.pointsman.proxy.config.load.ConfigLoader#load}.
 * Input is a {@link io.pointsman.proxy.config.load.ConfigFiles} (file path to text), so
 * the agent can feed files read from a git commit and the CLI files from a directory.
 */
package io.pointsman.proxy.config.load;
