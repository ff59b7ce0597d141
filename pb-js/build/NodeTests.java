import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs pb-js's Node tests for Maven (a single-file program, run from pb-js/:
 * {@code java build/NodeTests.java unit|integration|browser}). Installs the dev dependencies when node_modules is
 * missing or older than the lockfile, runs {@code node --test} on test/unit, test/integration or test/browser with
 * the TAP report kept in target/, and prints one line: {@code pb-js SUITE tests: N passed, N failed, N skipped}
 * (plus each failure's report when a test fails). Without Node 20+ and npm it fails when CI=true and otherwise
 * prints an install hint and succeeds. (The browser tests check for Chromium themselves, the same way.)
 *
 * <p>{@code java build/NodeTests.java bundle OUTDIR} builds the single-file bundle ({@code build/bundle.js}) into
 * OUTDIR instead, for pb-cli's {@code pbj demo}; without Node the same rule holds (CI fails, elsewhere the demo
 * serves the unbundled modules).
 */
public final class NodeTests {
  private static final boolean WINDOWS = System.getProperty("os.name").startsWith("Windows");
  private static final String NODE = "node";
  private static final String NPM = WINDOWS ? "npm.cmd" : "npm";
  private static final String HINT = "install Node.js 20+ and npm, e.g. apt-get install nodejs npm";

  private NodeTests() {}

  public static void main(String[] args) throws Exception {
    String suite = args.length > 0 ? args[0] : "unit";
    boolean ci = "true".equals(System.getenv("CI"));
    String missing = missingTools();
    if (missing != null) {
      if (ci) {
        System.err.println("pb-js: " + missing + "; CI needs them to " + (suite.equals("bundle")
            ? "build the bundle pbj demo serves" : "run the JavaScript tests") + ": " + HINT);
        System.exit(1);
      }
      System.out.println(suite.equals("bundle")
          ? "pb-js: bundle not built: " + missing + "; pbj demo serves the unbundled modules (" + HINT + ")"
          : "pb-js: " + suite + " tests skipped: " + missing + " (" + HINT + ")");
      return;
    }
    install();
    if (suite.equals("bundle")) {
      bundle(Path.of(args[1]));
      return;
    }
    Path target = Path.of("target");
    Files.createDirectories(target);
    Path report = target.resolve("node-test-" + suite + ".tap");
    List<String> command = new ArrayList<>(List.of(NODE, "--expose-gc", "--test", "--test-reporter=tap",
        "--test-reporter-destination=" + report));
    if (suite.equals("integration") || suite.equals("browser")) { // each file starts its own pbj (and browser)
      command.add("--test-concurrency=1");
    }
    command.add("test/" + suite + "/");
    Path log = target.resolve("node-test-" + suite + ".log");
    int status = run(command, log, 30, TimeUnit.MINUTES);
    String tap = Files.exists(report) ? Files.readString(report, StandardCharsets.UTF_8) : "";
    long passed = count(tap, "pass");
    long failed = count(tap, "fail") + count(tap, "cancelled");
    long skipped = count(tap, "skipped");
    long todo = count(tap, "todo");
    for (String line : tap.split("\n")) {
      int skip = line.indexOf(" # SKIP ");
      if (line.trim().startsWith("ok ") && skip >= 0) {
        System.out.println("pb-js: skipped: " + line.substring(skip + " # SKIP ".length()));
      }
    }
    if (status != 0 || failed > 0) {
      printFailures(tap);
      System.out.print(Files.readString(log, StandardCharsets.UTF_8));
    }
    System.out.println("pb-js " + suite + " tests: " + passed + " passed, " + failed + " failed, " + skipped
        + " skipped" + (todo > 0 ? ", " + todo + " todo (known gaps, see the report)" : ""));
    if (status != 0 || failed > 0) {
      System.err.println("pb-js: " + suite + " tests failed (node exited " + status + "); report: " + report);
      System.exit(1);
    }
  }

  /** What is missing to run the tests, or null. */
  private static String missingTools() {
    try {
      Process node = new ProcessBuilder(NODE, "--version").redirectErrorStream(true).start();
      String version = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (node.waitFor() != 0) {
        return "node is not working";
      }
      Matcher major = Pattern.compile("^v(\\d+)\\.").matcher(version);
      if (!major.find() || Integer.parseInt(major.group(1)) < 20) {
        return "node " + version + " is older than 20";
      }
    } catch (IOException | InterruptedException e) {
      return "node is not on the PATH";
    }
    try {
      Process npm = new ProcessBuilder(NPM, "--version").redirectErrorStream(true).start();
      npm.getInputStream().readAllBytes();
      if (npm.waitFor() != 0) {
        return "npm is not working";
      }
    } catch (IOException | InterruptedException e) {
      return "npm is not on the PATH";
    }
    return null;
  }

  /** Builds the bundle into {@code outdir}, quietly unless it fails. */
  private static void bundle(Path outdir) throws IOException, InterruptedException {
    Files.createDirectories(Path.of("target"));
    Path log = Path.of("target", "bundle.log");
    if (run(List.of(NODE, "build/bundle.js", outdir.toAbsolutePath().toString()), log, 5, TimeUnit.MINUTES) != 0) {
      System.out.print(Files.readString(log, StandardCharsets.UTF_8));
      System.err.println("pb-js: the bundle failed to build");
      System.exit(1);
    }
  }

  /** npm ci (npm install without a lockfile) unless node_modules is newer than the lockfile. */
  private static void install() throws IOException, InterruptedException {
    Path lock = Path.of("package-lock.json");
    Path installed = Path.of("node_modules", ".package-lock.json");
    if (Files.exists(lock) && Files.exists(installed)
        && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
      return;
    }
    Files.createDirectories(Path.of("target"));
    Path log = Path.of("target", "npm-install.log");
    List<String> command = Files.exists(lock) ? List.of(NPM, "ci", "--no-audit", "--no-fund")
        : List.of(NPM, "install", "--no-audit", "--no-fund");
    if (run(command, log, 10, TimeUnit.MINUTES) != 0) {
      System.out.print(Files.readString(log, StandardCharsets.UTF_8));
      System.err.println("pb-js: " + String.join(" ", command) + " failed");
      System.exit(1);
    }
  }

  private static int run(List<String> command, Path log, long timeout, TimeUnit unit)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(timeout, unit)) {
      process.destroyForcibly();
      Files.writeString(log, "\n" + String.join(" ", command) + ": timed out\n",
          java.nio.file.StandardOpenOption.APPEND);
      return 124;
    }
    return process.exitValue();
  }

  /** The TAP summary count `# name N` at the end of the report. */
  private static long count(String tap, String name) {
    Matcher m = Pattern.compile("^# " + name + " (\\d+)$", Pattern.MULTILINE).matcher(tap);
    long value = 0;
    while (m.find()) {
      value = Long.parseLong(m.group(1));
    }
    return value;
  }

  /** Each failing test's line and its YAML block. */
  private static void printFailures(String tap) {
    String[] lines = tap.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].trim().startsWith("not ok")) {
        System.out.println(lines[i]);
        for (int j = i + 1; j < lines.length && !lines[j].trim().equals("..."); j++) {
          System.out.println(lines[j]);
        }
      }
    }
  }
}
