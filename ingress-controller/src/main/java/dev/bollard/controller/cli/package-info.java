/**
 * The {@code bollard} executable: command-line parsing and the wiring of one process.
 *
 * <p>{@link dev.bollard.controller.cli.Main} parses ({@code run}, {@code check}, {@code echo});
 * {@link dev.bollard.controller.cli.ProxyProcess} wires any {@code source.Source} (a manifest
 * directory or a cluster), the rebuild thread, translator, publisher and its listeners, proxy and
 * admin listener into one process and takes it down again.
 * Commands return exit codes; only {@code main} calls {@code System.exit}, so tests run commands
 * in-process.
 */
@NullMarked
package dev.bollard.controller.cli;

import org.jspecify.annotations.NullMarked;
