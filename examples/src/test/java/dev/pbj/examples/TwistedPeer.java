package dev.pbj.examples;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Twisted the examples run against, found as pb-interop's {@code Twisted} finds it: {@code PBJ_PYTHON}
 * (else {@code /usr/bin/python3}, Debian's Twisted 22.4) and {@code PBJ_PYTHON_LATEST} (else
 * {@code <checkout>/.venv-twisted/bin/python}, the newest from pip), and, without Debian's Twisted, the venv of
 * Twisted 22.4 that pb-interop's build makes in {@code ~/.cache/pbj}. A missing peer skips its tests with an install
 * hint on a developer machine and fails them in CI ({@code CI=true}); there the latest peer must be Twisted 26 or
 * newer. Each interpreter is probed once per JVM.
 */
enum TwistedPeer {
  /** Debian's python3-twisted. */
  TWISTED22("PBJ_PYTHON", "sudo apt-get install -y python3-twisted", 0),
  /** The newest Twisted from pip. */
  TWISTED_LATEST("PBJ_PYTHON_LATEST", "python3 -m venv .venv-twisted && .venv-twisted/bin/pip install 'twisted>=26'",
      26);

  private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

  private final String envVar;
  private final String installHint;
  private final int minMajorInCi;
  private String python;
  private String version;
  private String problem;

  TwistedPeer(String envVar, String installHint, int minMajorInCi) {
    this.envVar = envVar;
    this.installHint = installHint;
    this.minMajorInCi = minMajorInCi;
  }

  /** The interpreter with this peer's Twisted; skips the calling test (or fails it in CI) when there is none. */
  synchronized String python() {
    if (python == null && problem == null) {
      probe();
    }
    if (problem != null) {
      String message = "Twisted peer " + name() + " unavailable: " + problem + "; install it with: " + installHint
          + " (or set " + envVar + " to a python that has Twisted)";
      if (CI) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    return python;
  }

  /** The Twisted version found, e.g. {@code 22.4.0}; for messages. */
  synchronized String version() {
    python();
    return version;
  }

  private void probe() {
    String configured = System.getenv(envVar);
    if (configured != null && !configured.isBlank()) {
      probe(configured);
    } else if (this == TWISTED22) {
      probe("/usr/bin/python3");
      // without Debian's Twisted, the venv of Twisted 22.4 that pb-interop's build makes (ensure_peers.sh)
      Path cached = peerCache().resolve(Path.of("twisted22", "bin", "python"));
      if (problem != null && Files.exists(cached)) {
        String first = problem;
        problem = null;
        probe(cached.toString());
        if (problem != null) {
          problem = first + "; " + problem;
        }
      }
    } else {
      probe(Examples.checkoutRoot().resolve(Path.of(".venv-twisted", "bin", "python")).toString());
    }
  }

  /** Where pb-interop's ensure_peers.sh keeps its venvs: {@code PBJ_PEER_CACHE}, else {@code ~/.cache/pbj}. */
  private static Path peerCache() {
    String configured = System.getenv("PBJ_PEER_CACHE");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
        .resolve("pbj");
  }

  private void probe(String candidate) {
    if (candidate.contains("/") && !Files.exists(Path.of(candidate))) {
      problem = candidate + " does not exist";
      return;
    }
    try {
      Process p = new ProcessBuilder(candidate, "-c", "import twisted.spread.pb, twisted; print(twisted.__version__)")
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        problem = candidate + " cannot import twisted.spread.pb: " + output;
        return;
      }
      String found = output.substring(output.lastIndexOf('\n') + 1);
      if (CI && minMajorInCi > 0 && Integer.parseInt(found.split("\\.")[0]) < minMajorInCi) {
        problem = candidate + " has Twisted " + found + " but CI must test Twisted >= " + minMajorInCi;
        return;
      }
      python = candidate;
      version = found;
    } catch (IOException | NumberFormatException e) {
      problem = candidate + ": " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem = "interrupted while probing " + candidate;
    }
  }
}
