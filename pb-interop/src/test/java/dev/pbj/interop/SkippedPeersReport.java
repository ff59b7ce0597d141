package dev.pbj.interop;

import dev.pbj.testkit.SkippedTestsReport;
import java.nio.file.Path;

/**
 * Counts the interop tests skipped because a Twisted peer is missing and writes one line about them, each missing
 * peer's hint once, to {@code target/interop-skipped.txt} (removed when none was), which the build prints at its
 * end even under {@code mvn -q}: a developer's run never passes quietly without its peers. In CI a missing peer
 * fails instead.
 */
public final class SkippedPeersReport extends SkippedTestsReport {
  static final Path REPORT = Path.of("target", "interop-skipped.txt");
  private static final String MARK = "Twisted peer ";

  public SkippedPeersReport() {
    super(REPORT, "PBJ interop: %d tests against real Twisted were SKIPPED because a peer is missing. ");
  }

  /** Only skips for a missing Twisted count, once per peer. */
  @Override
  protected String key(String message) {
    int at = message.indexOf(MARK);
    return at < 0 ? null : message.substring(at).split(" ", 4)[2];
  }

  @Override
  protected String reason(String message) {
    return message.substring(message.indexOf(MARK));
  }
}
