package dev.pbj.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts the example tests skipped because a peer is missing (a Twisted, Node, Chromium) and writes one line about
 * them, with each install hint once, to {@code target/examples-skipped.txt} (removed when none was), which the
 * build prints at its end even under {@code mvn -q} — pb-interop's {@code SkippedPeersReport}, for this module. In
 * CI a missing peer fails instead.
 */
public final class SkippedExamplesReport implements TestExecutionListener {
  static final Path REPORT = Path.of("target", "examples-skipped.txt");

  private final AtomicInteger skipped = new AtomicInteger();
  private final Set<String> reasons = new TreeSet<>();

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() != TestExecutionResult.Status.ABORTED || !test.isTest()) {
      return;
    }
    skipped.incrementAndGet();
    synchronized (reasons) {
      reasons.add(result.getThrowable().map(Throwable::getMessage).orElse("no reason given"));
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    try {
      if (skipped.get() == 0) {
        Files.deleteIfExists(REPORT);
        return;
      }
      StringBuilder line = new StringBuilder("PBJ examples: ").append(skipped.get())
          .append(" tests of the examples were SKIPPED because a peer is missing. ");
      synchronized (reasons) {
        reasons.forEach(reason -> line.append(reason).append(". "));
      }
      Files.createDirectories(REPORT.getParent());
      Files.writeString(REPORT, line.toString().strip() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
