package dev.pbj.bench.report;

import dev.pbj.bench.conn.Connections;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Connections} in a JVM of its own (its server's heap is then only the server's; its clients are in a
 * third) and reads the line it prints for programs.
 */
public final class ConnectionsRun {

  /**
   * What one run measured, or why it could not.
   *
   * @param error null when it ran; otherwise why not
   * @param transport {@code tcp} or {@code ws}
   * @param connections connections the server held
   * @param heapPerConnection server heap bytes per idle connection
   * @param madePerSecond connections made per second
   * @param active clients that then called, one call each in flight, while the rest stayed idle
   * @param callsPerSecond the active clients' answers per second
   * @param medianMicros their round trip's median
   * @param p99Micros its 99th percentile
   */
  public record Outcome(String error, String transport, int connections, double heapPerConnection,
      double madePerSecond, int active, double callsPerSecond, double medianMicros, double p99Micros) {

    static Outcome failed(String transport, String why) {
      return new Outcome(why, transport, 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN);
    }
  }

  /** How many connections, how many of them active, and how long they call. */
  public record Size(int connections, int active, int warmupSeconds, int measureSeconds) {
    /** In words, for the report. */
    public String describe() {
      return String.format("%,d connections, %,d of them calling for %d s after %d s of warm-up", connections,
          active, measureSeconds, warmupSeconds);
    }
  }

  private ConnectionsRun() {}

  /** Runs one transport's measure; {@code log} gets the child's standard error. */
  public static Outcome run(String transport, Size size, Path log, long timeoutSeconds) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-Xmx3g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
        System.getProperty("java.class.path"), Connections.class.getName(), Integer.toString(size.connections()),
        transport, Integer.toString(size.active()), Integer.toString(size.warmupSeconds()),
        Integer.toString(size.measureSeconds()));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    } catch (IOException e) {
      return Outcome.failed(transport, "cannot start " + java + ": " + e.getMessage());
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> resultLine(process));
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return Outcome.failed(transport, "did not finish within " + timeoutSeconds + " s (see " + log + ")");
      }
      String line = result.get(10, TimeUnit.SECONDS);
      if (process.exitValue() != 0 || line == null) {
        return Outcome.failed(transport, "failed (exit " + process.exitValue() + "), see " + log);
      }
      return parse(line);
    } catch (Exception e) {
      process.destroyForcibly();
      return Outcome.failed(transport, e.toString());
    }
  }

  private static String resultLine(Process process) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String found = null;
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.startsWith(Connections.RESULT + " ")) {
          found = line;
        }
      }
      return found;
    } catch (IOException e) {
      return null;
    }
  }

  /** Reads a {@link Connections#RESULT} line. */
  static Outcome parse(String line) {
    String[] f = line.split(" ");
    if (f.length != 11) {
      return Outcome.failed(f.length > 1 ? f[1] : "?", "unreadable result: " + line);
    }
    int active = Integer.parseInt(f[5]);
    double calls = number(f[6]);
    double seconds = Double.parseDouble(f[7]);
    return new Outcome(null, f[1], Integer.parseInt(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
        active, calls / seconds, number(f[8]), number(f[9]));
  }

  private static double number(String field) {
    return "-".equals(field) ? Double.NaN : Double.parseDouble(field);
  }
}
