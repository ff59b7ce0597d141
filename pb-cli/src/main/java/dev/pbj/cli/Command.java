package dev.pbj.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** One parsed {@code pbj} command line, ready to run. */
interface Command {
  /** Success: the answer (or the listener addresses) went to standard output. */
  int OK = 0;
  /** The remote method raised an error; {@code TYPE: message} went to standard error. */
  int REMOTE_ERROR = 1;
  /** Bad usage, a connection or protocol failure, or a timeout; the reason went to standard error. */
  int FAILURE = 2;

  /**
   * Runs the command. Results go to {@code out}, diagnostics to {@code err}; never calls {@code System.exit}.
   *
   * @return the exit status: {@link #OK}, {@link #REMOTE_ERROR} or {@link #FAILURE}
   */
  int run(InputStream in, PrintStream out, PrintStream err);
}
