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
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a Python that has Twisted and runs the scripts in {@code src/test/python}. When Twisted is missing the
 * tests are skipped on a developer machine and fail in CI ({@code CI=true}): interop is never silently skipped
 * there.
 */
final class Twisted {
  static final String INSTALL_HINT = "install it with: sudo apt-get install -y python3-twisted "
      + "(or point PBJ_PYTHON at a python3 that can import twisted.spread.pb)";
  private static volatile String python;

  private Twisted() {}

  /** The interpreter to use; skips or fails the calling test when there is none. */
  static String python() {
    String found = python;
    if (found != null) {
      return found;
    }
    List<String> candidates = new ArrayList<>();
    String configured = System.getenv("PBJ_PYTHON");
    if (configured != null && !configured.isBlank()) {
      candidates.add(configured);
    }
    candidates.add("/usr/bin/python3");
    candidates.add("python3");
    for (String candidate : candidates) {
      if (hasTwisted(candidate)) {
        python = candidate;
        return candidate;
      }
    }
    String message = "no python3 with Twisted found (tried " + candidates + "); " + INSTALL_HINT;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
    return null;
  }

  private static boolean hasTwisted(String interpreter) {
    try {
      Process p = new ProcessBuilder(interpreter, "-c", "import twisted.spread.pb")
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
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

    PythonProcess(List<String> args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(python());
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
      }, "python-stderr");
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
