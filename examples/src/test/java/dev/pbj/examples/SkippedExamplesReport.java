package dev.pbj.examples;

import dev.pbj.testkit.SkippedTestsReport;
import java.nio.file.Path;

/**
 * Counts the example tests skipped because a peer is missing (a Twisted, Node, Chromium) and writes one line about
 * them, with each install hint once, to {@code target/examples-skipped.txt} (removed when none was), which the
 * build prints at its end even under {@code mvn -q}, as pb-interop's {@code SkippedPeersReport} does for its
 * module. In CI a missing peer fails instead.
 */
public final class SkippedExamplesReport extends SkippedTestsReport {
  static final Path REPORT = Path.of("target", "examples-skipped.txt");

  public SkippedExamplesReport() {
    super(REPORT, "PBJ examples: %d tests of the examples were SKIPPED because a peer is missing. ");
  }
}
