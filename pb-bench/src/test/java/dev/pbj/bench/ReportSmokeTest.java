package dev.pbj.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every benchmark runs once, briefly, in this JVM (JMH without forks, no warmup, one 50 ms iteration), and the
 * report and its charts are written from the results: the benchmarks and the report cannot rot unnoticed. Timings
 * are never asserted; only that each expected figure exists.
 */
class ReportSmokeTest {

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void everyBenchmarkRunsOnceAndTheReportIsWritten() throws Exception {
    Path out = Paths.get("target", "smoke-report");
    String python = System.getenv().getOrDefault("PBJ_PYTHON", "/usr/bin/python3");
    Report.Outcome outcome = Report.run(new Report.Settings(Report.Profile.SMOKE, out, false, true, python,
        null));

    assertThat(outcome.missing()).as("benchmarks without a result").isEmpty();
    String report = Files.readString(outcome.report());
    assertThat(report).contains("## Targets", "## Echo latency", "## Throughput", "## Codecs",
        "## Servers under an independent PB wire client", "Netty echo, blocking caller (latency floor)",
        "Netty echo, 2 processes (floor)", "`pbj serve`", "gRPC unary", "Java RMI", "PBJ tcp/banana",
        "Undertow WebSocket echo, 2 processes (ws floor)",
        "Undertow WebSocket echo, blocking caller (ws latency floor)", "## Many connections");
    assertThat(report.lines().filter(l -> l.startsWith("| tcp | ") || l.startsWith("| ws | ")))
        .as("a measured row per transport in the connections table").hasSize(2)
        .allSatisfy(row -> assertThat(row).doesNotContain("not measured").contains(" 40 | "));
    for (String chart : new String[] {"latency", "throughput", "servers", "callbacks", "codecs"}) {
      BufferedImage image = ImageIO.read(out.resolve(chart + ".png").toFile());
      assertThat(image).as(chart + ".png").isNotNull();
      assertThat(image.getWidth()).isGreaterThan(100);
    }
  }
}
