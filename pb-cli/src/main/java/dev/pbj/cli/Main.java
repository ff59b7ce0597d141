package dev.pbj.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code pbj} command's entry point. {@link #run} runs one command line against the given streams and
 * returns its exit status (see {@link #usage}); only {@link #main} exits the JVM, so tests run commands in
 * process.
 */
public final class Main {
  /**
   * The help {@code pbj help} (or {@code pbj --help}) prints; with a command's name, the help of that command, as
   * {@code pbj help COMMAND} and {@code pbj COMMAND --help} print it. Generated from the options picocli knows.
   *
   * @throws IllegalArgumentException if there is no such command
   */
  public static String usage(String... command) {
    try {
      return Cli.usage(Cli.commandLine(), command);
    } catch (UsageException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private Main() {}

  /** Runs the command line and exits with its status. Output is UTF-8 whatever the platform's charset. */
  public static void main(String[] args) {
    // Undertow and XNIO (the WebSocket transport) log through jboss-logging, which would pick java.util.logging
    // and print INFO lines; route them to slf4j-simple, whose settings keep stderr to warnings and errors.
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    int status = run(args, System.in, out, err);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /** Runs one command line with standard input as {@code in}; see {@link #run(String[], InputStream, PrintStream, PrintStream)}. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System.in, out, err);
  }

  /**
   * Runs one command line: results to {@code out}, diagnostics and usage errors to {@code err}. Returns when the
   * command is done ({@code serve}: once it has been told to stop).
   *
   * @return the exit status: 0 success, 1 remote error, 2 bad usage or a connection, protocol or timeout failure
   */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    Command command;
    picocli.CommandLine root = Cli.commandLine();
    picocli.CommandLine current = root;
    try {
      picocli.CommandLine.ParseResult parsed;
      try {
        parsed = root.parseArgs(args);
      } catch (picocli.CommandLine.ParameterException e) {
        current = e.getCommandLine();
        String message = e.getMessage();
        if (current == root && e instanceof picocli.CommandLine.UnmatchedArgumentException unmatched
            && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
          message = "unknown command '" + unmatched.getUnmatched().get(0) + "'";
        }
        throw new UsageException(message);
      }
      picocli.CommandLine.ParseResult sub = parsed.subcommand();
      if (parsed.isUsageHelpRequested() || sub != null && sub.isUsageHelpRequested()) {
        String help = (sub != null && sub.isUsageHelpRequested() ? sub.commandSpec().commandLine() : root)
            .getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
        out.print(help);
        out.flush();
        return Command.OK;
      }
      if (sub == null) {
        throw new UsageException("no command given");
      }
      current = sub.commandSpec().commandLine();
      command = ((Cli.Parsed) sub.commandSpec().userObject()).toCommand(root);
    } catch (UsageException e) {
      err.println("pbj: " + e.getMessage());
      err.print(e.showUsage() ? "\n" + current.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF)
          : "run 'pbj help' for usage\n");
      err.flush();
      return Command.FAILURE;
    }
    int status = command.run(in, out, err);
    out.flush();
    err.flush();
    return status;
  }
}
