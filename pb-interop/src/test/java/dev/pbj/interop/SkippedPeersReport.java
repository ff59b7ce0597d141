package dev.pbj.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts the interop tests skipped because a Twisted peer is missing and writes one line about them to
 * {@code target/interop-skipped.txt} (removed when none was), which the build prints at its end even under
 * {@code mvn -q}: a developer's run never passes quietly without its peers. In CI a missing peer fails instead.
 */
public final class SkippedPeersReport implements TestExecutionListener {
  static final Path REPORT = Path.of("target", "interop-skipped.txt");

  private final AtomicInteger skipped = new AtomicInteger();
  /** Each missing peer's hint, by peer, once. */
  private final Map<String, String> hints = new TreeMap<>();

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() != TestExecutionResult.Status.ABORTED || !test.isTest()) {
      return;
    }
    String reason = result.getThrowable().map(Throwable::getMessage).orElse("");
    int at = reason.indexOf("Twisted peer ");
    if (at < 0) {
      return;
    }
    skipped.incrementAndGet();
    String hint = reason.substring(at);
    String peer = hint.split(" ", 4)[2];
    synchronized (hints) {
      hints.putIfAbsent(peer, hint);
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    try {
      if (skipped.get() == 0) {
        Files.deleteIfExists(REPORT);
        return;
      }
      StringBuilder line = new StringBuilder("PBJ interop: ").append(skipped.get())
          .append(" tests against real Twisted were SKIPPED because a peer is missing. ");
      synchronized (hints) {
        hints.values().forEach(hint -> line.append(hint).append(". "));
      }
      Files.createDirectories(REPORT.getParent());
      Files.writeString(REPORT, line.toString().strip() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
