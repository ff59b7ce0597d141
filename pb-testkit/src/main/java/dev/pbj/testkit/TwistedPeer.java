package dev.pbj.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Twisted that PBJ's tests run against (pb-interop's and the examples'): a Python interpreter that imports
 * {@code twisted.spread.pb}, probed once per JVM, its Twisted version recorded. A missing peer skips the calling
 * test with an install hint on a developer machine and fails it in CI ({@code CI=true}), where the latest peer must
 * also be Twisted 26 or newer: interop is never silently skipped there. Call {@link #python()} per test (in
 * {@code @BeforeEach} or the test), not in {@code @BeforeAll}: Surefire reports a class aborted there as "Tests run:
 * 0" and drops the hint. Thread-safe.
 */
public enum TwistedPeer {
  /** Debian's python3-twisted (22.4 on Debian 12): {@code PBJ_PYTHON}, else {@code /usr/bin/python3}. */
  TWISTED22("twisted22", "PBJ_PYTHON", "sudo apt-get install -y python3-twisted python3-openssl "
      + "python3-service-identity (or let the build make a venv: pip must reach its index)", 0),
  /** The newest Twisted from pip: {@code PBJ_PYTHON_LATEST}, else {@code <checkout>/.venv-twisted/bin/python}. */
  TWISTED_LATEST("twisted-latest", "PBJ_PYTHON_LATEST",
      "python3 -m venv .venv-twisted && .venv-twisted/bin/pip install 'twisted[tls]>=26'", 26);

  private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
  private static final Pattern MAJOR = Pattern.compile("^(\\d+)\\.");

  /** For test names, messages and the skipped-tests report: {@code twisted22}, {@code twisted-latest}. */
  public final String id;
  private final String envVar;
  private final String installHint;
  /** The lowest Twisted major version CI accepts for this peer (0: any). */
  private final int minMajorInCi;
  private Probe probe;

  TwistedPeer(String id, String envVar, String installHint, int minMajorInCi) {
    this.id = id;
    this.envVar = envVar;
    this.installHint = installHint;
    this.minMajorInCi = minMajorInCi;
  }

  /**
   * Whether this peer is here. Fails the caller in CI when it is missing (or, for the latest peer, too old); on a
   * developer machine answers false, and {@link #python()} then skips each test with the install hint.
   */
  public boolean available() {
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
  public String python() {
    if (!available()) {
      Assumptions.abort(unavailable(probe()));
    }
    return probe().interpreter;
  }

  /** The Twisted version found, e.g. {@code 22.4.0}; skips or fails the caller as {@link #python()} does. */
  public String version() {
    python();
    return probe().version;
  }

  /** For test names and messages, with the Twisted version found: {@code twisted-latest, Twisted 26.4.0}. */
  public String label() {
    String version = probe().version;
    return version == null ? id : id + ", Twisted " + version;
  }

  private String unavailable(Probe found) {
    return "Twisted peer " + id + " unavailable: " + found.problem + "; install it with: " + installHint
        + " (or set " + envVar + " to a python that has Twisted)";
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
      // Debian's, unless it lacks Twisted and pb-interop's build made a venv of Twisted 22.4 (ensure_peers.sh)
      Path cached = peerCache().resolve(Path.of("twisted22", "bin", "python"));
      return Probe.of("/usr/bin/python3").problem != null && Files.exists(cached) ? cached.toString()
          : "/usr/bin/python3";
    }
    Path venv = latestVenv();
    return Files.exists(venv) ? venv.toString() : null;
  }

  private static Path latestVenv() {
    return checkoutRoot().resolve(Path.of(".venv-twisted", "bin", "python"));
  }

  /** Where pb-interop's ensure_peers.sh keeps the venvs it makes: {@code PBJ_PEER_CACHE}, else {@code ~/.cache/pbj}. */
  public static Path peerCache() {
    String configured = System.getenv("PBJ_PEER_CACHE");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
        .resolve("pbj");
  }

  /**
   * The checkout root: the working directory (Surefire: the module's) or the nearest one above that holds
   * {@code pb-testkit/pom.xml}; else the working directory's parent.
   */
  public static Path checkoutRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(Path.of("pb-testkit", "pom.xml")))) {
        return dir;
      }
    }
    return start.getParent() != null ? start.getParent() : start;
  }

  private static int major(String version) {
    Matcher m = MAJOR.matcher(version);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
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
        return new Probe(null, null, "no interpreter (" + TWISTED_LATEST.envVar + " is not set and " + latestVenv()
            + " does not exist)");
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
}
