package dev.pbj.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package, or {@code PBJ_REDIS_SERVER}) for tests: on a free loopback port,
 * without persistence ({@code --save '' --appendonly no}, so a restart comes back empty, like a Redis that lost its
 * data), its files in the directory the test owns. {@link #stop()} and {@link #start()} again keep the port, so
 * clients reconnect to the same address. Every wait is bounded. Not thread-safe: one test drives it.
 */
public final class RedisProcess implements AutoCloseable {
  /** {@code /usr/bin/redis-server}, or {@code PBJ_REDIS_SERVER}. */
  public static final Path REDIS_SERVER = Path.of(System.getenv().getOrDefault("PBJ_REDIS_SERVER",
      "/usr/bin/redis-server"));
  private static final Duration READY = Duration.ofSeconds(10);

  private final Path dir;
  private final int port;
  private Process process;
  private int starts;

  private RedisProcess(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Why there is no redis-server to run (with the install hint), or null when there is one. */
  public static String missing() {
    return Files.isExecutable(REDIS_SERVER) ? null
        : REDIS_SERVER + " is missing: apt-get install -y redis-server (.ci/run installs it)";
  }

  /** Starts a redis-server on a free loopback port, with its files under {@code dir}; returns once it answers. */
  public static RedisProcess start(Path dir) {
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      RedisProcess redis = new RedisProcess(dir, freePort());
      try {
        redis.start();
        return redis;
      } catch (IllegalStateException e) {
        if (!e.getMessage().contains("Address already in use")) {
          throw e;
        }
        failure = e; // taken between the check and the bind: another port
      }
    }
    throw failure;
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts it (again) on its port, empty; returns once it answers PING. */
  public void start() {
    if (running()) {
      throw new IllegalStateException("redis-server is running already on " + port);
    }
    starts++;
    Path output = dir.resolve("redis-" + starts + ".out");
    try {
      process = new ProcessBuilder(REDIS_SERVER.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no")
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + REDIS_SERVER, e);
    }
    long deadline = System.nanoTime() + READY.toNanos();
    while (true) {
      try {
        if (command("PING").equals("+PONG")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String out;
        try {
          out = Files.readString(output);
        } catch (IOException e) {
          out = "(no output: " + e.getMessage() + ")";
        }
        process.destroyForcibly();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within " + READY
            + ": " + out);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while redis-server started", e);
      }
    }
  }

  /** Stops it (SIGTERM, then SIGKILL after 10 s; a paused one is thawed first) and waits until it has exited. */
  public void stop() {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      signal("CONT");
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /**
   * Freezes it (SIGSTOP): connections stay open and connects are still accepted by the kernel, but nothing answers,
   * as with a Redis that hangs or a network that drops packets. {@link #resume()} thaws it.
   */
  public void pause() {
    signal("STOP");
  }

  /** Thaws a {@link #pause() paused} server (SIGCONT): it reads what it was sent meanwhile and answers. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    if (!running()) {
      throw new IllegalStateException("redis-server is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Sends one command (its words as a RESP array) on a connection of its own and returns the first line of the
   * answer ({@code +PONG}, {@code :3}, {@code $5} …).
   */
  public String command(String... words) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
      socket.setSoTimeout(5_000);
      StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
      for (String word : List.of(words)) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        request.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\r') {
        line.append((char) c);
      }
      if (c < 0) {
        throw new IOException("redis-server closed the connection without an answer");
      }
      return line.toString();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * A port free now, between 20000 and 32767: below the ephemeral ports Linux gives client connections (from 32768),
   * so that none of them (this test's or another's) takes it meanwhile, and the server can start again on it after
   * {@link #stop()}.
   */
  private static int freePort() {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20_000 + random.nextInt(12_768);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // another
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32767 after 100 tries");
  }
}
