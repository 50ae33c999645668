/**
 * The {@code pointsman} command line (SPEC §6). Starting point: {@link io.pointsman.agent.cli.Main};
 * one class per subcommand.
 */
package io.pointsman.agent.cli;
