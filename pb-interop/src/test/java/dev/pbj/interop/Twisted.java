package dev.pbj.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Twisted peers the interop tests run against, and the scripts in {@code src/test/python} they run. Every
 * interop test runs once per {@link Peer}. A missing peer skips its tests with an install hint on a developer
 * machine and fails them in CI ({@code CI=true}): interop is never silently skipped there. Test classes skip per
 * test ({@link Peer#python()} in {@code @BeforeEach}), not in {@code @BeforeAll}: Surefire reports a class aborted
 * there as "Tests run: 0" and drops the hint.
 */
final class Twisted {
  private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
  private static final Pattern MAJOR = Pattern.compile("^(\\d+)\\.");

  private Twisted() {}

  /** A named Python interpreter with Twisted; each is probed once per JVM and its Twisted version recorded. */
  enum Peer {
    /** Debian's python3-twisted (22.4 on Debian 12): {@code PBJ_PYTHON}, else {@code /usr/bin/python3}. */
    TWISTED22("twisted22", "PBJ_PYTHON", "sudo apt-get install -y python3-twisted python3-openssl "
        + "python3-service-identity (or let the build make a venv: pip must reach its index)", 0),
    /** The newest Twisted from pip: {@code PBJ_PYTHON_LATEST}, else {@code <repo root>/.venv-twisted/bin/python}. */
    TWISTED_LATEST("twisted-latest", "PBJ_PYTHON_LATEST",
        "python3 -m venv .venv-twisted && .venv-twisted/bin/pip install 'twisted[tls]>=26'", 26);

    final String id;
    private final String envVar;
    private final String installHint;
    /** The lowest Twisted major version CI accepts for this peer (0: any). */
    private final int minMajorInCi;
    private Probe probe;

    Peer(String id, String envVar, String installHint, int minMajorInCi) {
      this.id = id;
      this.envVar = envVar;
      this.installHint = installHint;
      this.minMajorInCi = minMajorInCi;
    }

    /**
     * Whether this peer is here. Fails the caller in CI when it is missing (or, for the latest peer, too old);
     * on a developer machine answers false, and {@link #python()} then skips each test with the install hint.
     */
    boolean available() {
      Probe found = probe();
      if (found.problem != null) {
        if (CI) {
          fail(unavailable(found));
        }
        return false;
      }
      if (CI && minMajorInCi > 0 && major(found.version) < minMajorInCi) {
        fail("Twisted peer " + id + " (" + found.interpreter + ") is Twisted " + found.version + " but CI must test "
            + "Twisted >= " + minMajorInCi + "; install it with: " + installHint);
      }
      return true;
    }

    /** The interpreter that has this peer's Twisted; skips (developer machine) or fails (CI) the caller if none. */
    String python() {
      if (!available()) {
        Assumptions.abort(unavailable(probe()));
      }
      return probe().interpreter;
    }

    private String unavailable(Probe found) {
      return "Twisted peer " + id + " unavailable: " + found.problem + "; install it with: " + installHint
          + " (or set " + envVar + " to a python that has Twisted)";
    }

    /** For test names and messages, with the Twisted version found: {@code twisted-latest, Twisted 26.4.0}. */
    String label() {
      String version = probe().version;
      return version == null ? id : id + ", Twisted " + version;
    }

    private synchronized Probe probe() {
      if (probe == null) {
        probe = Probe.of(interpreter());
      }
      return probe;
    }

    /** The configured interpreter, or null with no configuration and no default on this machine. */
    private String interpreter() {
      String configured = System.getenv(envVar);
      if (configured != null && !configured.isBlank()) {
        return configured;
      }
      if (this == TWISTED22) {
        // Debian's, unless it lacks Twisted and the build made a venv of Twisted 22.4 (ensure_peers.sh)
        Path cached = peerCache().resolve(Path.of("twisted22", "bin", "python"));
        return Probe.of("/usr/bin/python3").problem != null && Files.exists(cached) ? cached.toString()
            : "/usr/bin/python3";
      }
      Path venv = repoRoot().resolve(Path.of(".venv-twisted", "bin", "python"));
      return Files.exists(venv) ? venv.toString() : null;
    }
  }

  /** Where ensure_peers.sh keeps the venvs it makes: {@code PBJ_PEER_CACHE}, else {@code ~/.cache/pbj}. */
  static Path peerCache() {
    String configured = System.getenv("PBJ_PEER_CACHE");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
        .resolve("pbj");
  }

  /**
   * The result of running {@code python -c "import twisted, twisted.spread.pb; print(twisted.__version__)"}: the
   * version, or why this interpreter cannot be a peer.
   */
  private static final class Probe {
    final String interpreter;
    final String version;
    final String problem;

    private Probe(String interpreter, String version, String problem) {
      this.interpreter = interpreter;
      this.version = version;
      this.problem = problem;
    }

    static Probe of(String interpreter) {
      if (interpreter == null) {
        return new Probe(null, null, "no interpreter (" + Peer.TWISTED_LATEST.envVar + " is not set and "
            + repoRoot().resolve(Path.of(".venv-twisted", "bin", "python")) + " does not exist)");
      }
      if (interpreter.contains("/") && !Files.exists(Path.of(interpreter))) {
        return new Probe(interpreter, null, interpreter + " does not exist");
      }
      try {
        Process p = new ProcessBuilder(interpreter, "-c",
            "import twisted, twisted.spread.pb; print(twisted.__version__)").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Probe(interpreter, null, interpreter + " did not answer within 60 s");
        }
        String last = output.isEmpty() ? "" : output.substring(output.lastIndexOf('\n') + 1).strip();
        if (p.exitValue() != 0 || !MAJOR.matcher(last).find()) {
          return new Probe(interpreter, null, interpreter + " cannot import twisted.spread.pb ("
              + (last.isEmpty() ? "exit " + p.exitValue() : last) + ")");
        }
        return new Probe(interpreter, last, null);
      } catch (IOException e) {
        return new Probe(interpreter, null, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Probe(interpreter, null, "interrupted while probing " + interpreter);
      }
    }
  }

  private static int major(String version) {
    Matcher m = MAJOR.matcher(version);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The checkout root: the working directory (Surefire: the module) or the nearest one above holding pb-interop. */
  static Path repoRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("pb-interop")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    return start.getParent() != null ? start.getParent() : start;
  }

  static Path script(String name) {
    Path path = Path.of("src", "test", "python", name).toAbsolutePath();
    if (!Files.isRegularFile(path)) {
      fail("missing interop script " + path);
    }
    return path;
  }

  /** A running Python process; closing it closes its stdin (the scripts exit then) and kills it if needed. */
  static final class PythonProcess implements AutoCloseable {
    final Process process;
    final BufferedReader stdout;
    private final StringBuilder stderr = new StringBuilder();

    /** Starts {@code args} with the peer's interpreter; skips or fails the caller when the peer is missing. */
    PythonProcess(Peer peer, List<String> args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(peer.python());
      command.add("-u");
      command.addAll(args);
      process = new ProcessBuilder(command).start();
      stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Thread drain = new Thread(() -> {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = err.readLine()) != null) {
            synchronized (stderr) {
              stderr.append(line).append('\n');
            }
          }
        } catch (IOException ignored) {
          // the process ended
        }
      }, "python-stderr-" + peer.id);
      drain.setDaemon(true);
      drain.start();
    }

    String stderr() {
      synchronized (stderr) {
        return stderr.toString();
      }
    }

    /** Reads stdout lines until one starts with {@code prefix}; fails if the process ends first. */
    String awaitLine(String prefix) throws IOException {
      String line;
      while ((line = stdout.readLine()) != null) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      throw new AssertionError("python ended before printing '" + prefix + "'; stderr:\n" + stderr());
    }

    @Override
    public void close() throws Exception {
      try {
        process.getOutputStream().close();
      } catch (IOException ignored) {
        // already gone
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
