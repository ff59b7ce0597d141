package dev.pbj.cli;

/** The command line is wrong; the message says how. */
final class UsageException extends Exception {
  private final boolean showUsage;

  UsageException(String message) {
    this(message, true);
  }

  /** {@code showUsage}: whether the usage text helps; not for a mistake inside one value, such as bad JSON. */
  UsageException(String message, boolean showUsage) {
    super(message);
    this.showUsage = showUsage;
  }

  boolean showUsage() {
    return showUsage;
  }
}
