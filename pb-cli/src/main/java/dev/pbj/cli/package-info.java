/**
 * The {@code pbj} command: {@code serve} the demo root, {@code demo} it with the browser page, {@code call} a
 * remote method with JSON arguments and print the answer as JSON. {@link dev.pbj.cli.Main} is the entry point
 * ({@link dev.pbj.cli.Main#run} runs a command line against given streams and returns the exit status);
 * {@link dev.pbj.cli.Cli} declares the arguments (picocli parses them, writes the help and the
 * completion script); {@link dev.pbj.cli.ServeCommand},
 * {@link dev.pbj.cli.DemoCommand} (with {@link dev.pbj.cli.DemoSite}, the page and the JavaScript client it serves)
 * and {@link dev.pbj.cli.CallCommand} do the work;
 * {@link dev.pbj.cli.JsonValues} maps JSON to PB values and back.
 *
 * <p>Standard output carries only the machine-readable result (one line per answer or listener); diagnostics
 * and log lines go to standard error.
 */
package dev.pbj.cli;
