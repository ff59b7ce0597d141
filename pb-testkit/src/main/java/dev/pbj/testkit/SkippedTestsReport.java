package dev.pbj.testkit;

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
 * A listener of a module's test run that counts the tests skipped because a peer is missing (a Twisted, Node,
 * Chromium) and writes one line about them, each reason once, to a file under {@code target/} (removed when none
 * was skipped), which the module's build prints at its end even under {@code mvn -q}: a developer's run never
 * passes quietly without its peers. A module subclasses it, names the subclass in
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}, and says which skips count. In CI
 * a missing peer fails the test instead ({@link TwistedPeer}), so the file stays absent there.
 */
public abstract class SkippedTestsReport implements TestExecutionListener {
  private final Path report;
  private final String headline;
  private final AtomicInteger skipped = new AtomicInteger();
  /** Each reason once, by its key, in key order. */
  private final Map<String, String> reasons = new TreeMap<>();

  /**
   * @param report the file to write, e.g. {@code target/interop-skipped.txt}
   * @param headline the line's start, with {@code %d} for the count: {@code "PBJ interop: %d tests … SKIPPED …. "}
   */
  protected SkippedTestsReport(Path report, String headline) {
    this.report = report;
    this.headline = headline;
  }

  /**
   * The key under which the reason {@code message} of a skipped test is reported once, or {@code null} if this
   * skip does not count. By default every skip counts, keyed by its message.
   */
  protected String key(String message) {
    return message;
  }

  /** The text reported for a skip that counts (by default its message). */
  protected String reason(String message) {
    return message;
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() != TestExecutionResult.Status.ABORTED || !test.isTest()) {
      return;
    }
    String message = result.getThrowable().map(Throwable::getMessage).orElse(null);
    String key = key(message == null ? "no reason given" : message);
    if (key == null) {
      return;
    }
    skipped.incrementAndGet();
    synchronized (reasons) {
      reasons.putIfAbsent(key, reason(message == null ? "no reason given" : message));
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    try {
      if (skipped.get() == 0) {
        Files.deleteIfExists(report);
        return;
      }
      StringBuilder line = new StringBuilder(String.format(headline, skipped.get()));
      synchronized (reasons) {
        reasons.values().forEach(reason -> line.append(reason).append(". "));
      }
      if (report.getParent() != null) {
        Files.createDirectories(report.getParent());
      }
      Files.writeString(report, line.toString().strip() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
