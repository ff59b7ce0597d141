package dev.pbj.interop;

import static org.assertj.core.api.Assertions.fail;

import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.TwistedPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The scripts in {@code src/test/python} the interop tests run, and how they start: as pb-testkit's
 * {@link ChildProcess}, every wait bounded. Every interop test runs once per {@link TwistedPeer} (pb-testkit's: it
 * finds the interpreters, and skips a test with an install hint on a developer machine, or fails it in CI, when a
 * peer is missing).
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

  /** How long a script may take to print the line a test waits for, such as its {@code LISTENING} port. */
  static final Duration STARTUP = Duration.ofSeconds(60);
  /** How long a script that ends by itself (a client's checks) may run. */
  static final Duration RUN = Duration.ofMinutes(2);

  /**
   * Starts {@code python -u ARGS…} with the peer's interpreter, in the module's folder; skips (developer machine) or
   * fails (CI) the caller when the peer is missing. Closing it closes its stdin: the scripts exit then.
   */
  static ChildProcess python(TwistedPeer peer, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(peer.python());
    command.add("-u");
    command.addAll(args);
    return new ChildProcess(command, Path.of("").toAbsolutePath());
  }

  /** The port a server script announces on its {@code LISTENING <port>} line. */
  static int listeningPort(ChildProcess server) throws InterruptedException {
    return Integer.parseInt(server.awaitLine("LISTENING ", STARTUP).substring("LISTENING ".length()).trim());
  }
}
