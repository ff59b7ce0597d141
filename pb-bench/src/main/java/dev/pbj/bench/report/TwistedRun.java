package dev.pbj.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the Twisted PB reference, {@code twisted_echo_bench.py} (shipped in this jar), with a Python that has Twisted,
 * and reads the JSON it prints.
 */
public final class TwistedRun {
  private static final String SCRIPT = "twisted_echo_bench.py";
  private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":\\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)");

  /**
   * What the script measured, or why it could not.
   *
   * @param error null when it ran; otherwise why not
   * @param version the Twisted version
   * @param medianMicros the median echo round trip
   * @param p99Micros its 99th percentile
   * @param callsPerSecond calls in flight → answers per second
   */
  public record Outcome(String error, String version, double medianMicros, double p99Micros,
      Map<Integer, Double> callsPerSecond) {

    static Outcome failed(String why) {
      return new Outcome(why, null, Double.NaN, Double.NaN, Map.of());
    }
  }

  private TwistedRun() {}

  /**
   * Runs the script with {@code python}; its arguments say how long to measure.
   *
   * @param workDir where the script is written out
   */
  public static Outcome run(String python, Path workDir, List<String> arguments, long timeoutSeconds) {
    try {
      Path script = workDir.resolve(SCRIPT);
      try (InputStream in = TwistedRun.class.getResourceAsStream("/dev/pbj/bench/" + SCRIPT)) {
        if (in == null) {
          return Outcome.failed(SCRIPT + " is missing from the class path");
        }
        Files.createDirectories(workDir);
        Files.write(script, in.readAllBytes());
      }
      String missing = unavailable(python);
      if (missing != null) {
        return Outcome.failed(missing);
      }
      List<String> command = new ArrayList<>(List.of(python, script.toString()));
      command.addAll(arguments);
      Path log = workDir.resolve("twisted_echo_bench.log");
      Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
      process.getOutputStream().close();
      byte[] out;
      try (InputStream stdout = process.getInputStream()) {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          return Outcome.failed("the Twisted benchmark did not finish within " + timeoutSeconds + " s");
        }
        out = stdout.readAllBytes();
      }
      String json = new String(out, StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0 || json.isEmpty()) {
        return Outcome.failed("the Twisted benchmark failed (exit " + process.exitValue() + "): " + json
            + " — see " + log);
      }
      return parse(json);
    } catch (IOException e) {
      return Outcome.failed("cannot run " + python + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed("interrupted");
    }
  }

  /** Why {@code python} cannot run Twisted, or null when it can import it. */
  public static String unavailable(String python) {
    try {
      Process check = new ProcessBuilder(python, "-c", "import twisted").redirectErrorStream(true).start();
      check.getOutputStream().close();
      if (!check.waitFor(30, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        return python + " did not answer within 30 s";
      }
      if (check.exitValue() != 0) {
        return python + " cannot import twisted (install Debian's python3-twisted, or set PBJ_PYTHON / --python): "
            + new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().lines()
                .reduce((a, b) -> b).orElse("");
      }
      return null;
    } catch (IOException e) {
      return "cannot run " + python + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Reads the script's one-line JSON (flat numbers, one nested object per section). */
  static Outcome parse(String json) {
    Matcher version = Pattern.compile("\"twisted\":\\s*\"([^\"]+)\"").matcher(json);
    int latency = json.indexOf("\"latency_us\"");
    int throughput = json.indexOf("\"throughput\"");
    if (latency < 0 || throughput < 0) {
      return Outcome.failed("unexpected output: " + json);
    }
    Map<String, Double> latencies = numbers(json.substring(latency, json.indexOf('}', latency)));
    Map<Integer, Double> rates = new LinkedHashMap<>();
    numbers(json.substring(throughput, json.indexOf('}', throughput)))
        .forEach((key, value) -> rates.put(Integer.parseInt(key), value));
    return new Outcome(null, version.find() ? version.group(1) : "?", latencies.getOrDefault("median", Double.NaN),
        latencies.getOrDefault("p99", Double.NaN), rates);
  }

  private static Map<String, Double> numbers(String section) {
    Map<String, Double> values = new LinkedHashMap<>();
    Matcher m = NUMBER.matcher(section);
    while (m.find()) {
      values.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return values;
  }
}
