package dev.pbj.interop;

import static org.assertj.core.api.Assertions.fail;

import dev.pbj.testkit.TwistedPeer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The scripts in {@code src/test/python} the interop tests run, and the processes they run in. Every interop test
 * runs once per {@link TwistedPeer} (pb-testkit's: it finds the interpreters, and skips a test with an install hint
 * on a developer machine, or fails it in CI, when a peer is missing).
 */
final class Twisted {
  private Twisted() {}

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
    PythonProcess(TwistedPeer peer, List<String> args) throws IOException {
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
