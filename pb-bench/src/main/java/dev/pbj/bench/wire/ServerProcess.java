package dev.pbj.bench.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a child process, so that server and client are apart as they are in production: started from a
 * command, ready once it printed the line that names its port, stopped by {@link #close()}: its standard input is
 * closed (each server pb-bench starts exits by itself then, so none outlives a JVM that dies without closing it),
 * then it is destroyed if still alive after two seconds, forcibly after two more. A shutdown hook closes it too.
 * Its standard output is read to the end by a daemon thread; its standard error goes to a temporary log file that
 * failures quote and {@link #close()} deletes.
 */
public final class ServerProcess implements AutoCloseable {
  /** The property that names the Python with Twisted ({@code Report} sets it from {@code --python}). */
  public static final String PYTHON_PROPERTY = "pbj.bench.python";
  /** The property that names {@code pbj.jar} ({@code Report} sets it from {@code --pbj-jar}). */
  public static final String PBJ_JAR_PROPERTY = "pbj.bench.pbj-jar";
  private static final long START_SECONDS = 60;
  private static final Pattern LISTENING = Pattern.compile("listening tcp://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern WS_LISTENING = Pattern.compile("listening ws://127\\.0\\.0\\.1:(\\d+)/");

  private final String name;
  private final Process process;
  private final Path log;
  private final int port;
  private final Thread hook;

  private ServerProcess(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
    this.hook = new Thread(this::stop, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * The raw Netty echo, {@link RawEchoServer}, in a JVM of its own (this one's {@code java} and class path).
   *
   * @param mode what it echoes one by one: {@code frames}, {@code banana} or {@code bytes}
   */
  public static ServerProcess rawEcho(String mode) throws IOException, InterruptedException {
    return start("raw Netty echo (" + mode + ")", List.of(java(), "-Xms256m", "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), RawEchoServer.class.getName(), mode), LISTENING);
  }

  /**
   * The raw Undertow WebSocket echo, {@link RawWebSocketEchoServer}, in a JVM of its own (this one's {@code java} and
   * class path); it upgrades any path of {@code ws://127.0.0.1:PORT/}.
   */
  public static ServerProcess webSocketEcho() throws IOException, InterruptedException {
    return start("raw Undertow WebSocket echo", List.of(java(), "-Xms256m", "-Xmx256m",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        RawWebSocketEchoServer.class.getName()), WS_LISTENING);
  }

  /**
   * {@code pbj serve --tcp 127.0.0.1:0 --until-stdin-closes} in a JVM of its own: {@code java -jar pbj.jar} when the
   * jar is found ({@value #PBJ_JAR_PROPERTY}, else {@code pb-cli/target/pbj.jar} of the source tree this code was
   * built in), else {@code dev.pbj.cli.Main} from this class path (pb-bench depends on pb-cli).
   */
  public static ServerProcess pbjServe() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java(), "-Xms512m", "-Xmx512m",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    Path jar = pbjJar();
    if (jar != null) {
      command.addAll(List.of("-jar", jar.toString()));
    } else {
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.pbj.cli.Main"));
    }
    command.addAll(List.of("serve", "--tcp", "127.0.0.1:0", "--until-stdin-closes"));
    return start("pbj serve", command, LISTENING);
  }

  /** Where {@link #pbjServe()} finds {@code pbj.jar}, or null when it runs {@code pbj serve} from the class path. */
  public static Path pbjJar() {
    String configured = System.getProperty(PBJ_JAR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path jar = Paths.get(configured);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(PBJ_JAR_PROPERTY + "=" + configured + ": no such file");
      }
      return jar;
    }
    try {
      // target/classes or target/benchmarks.jar, in pb-bench, in the source tree
      Path code = Paths.get(ServerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path tree = code.toAbsolutePath().getParent().getParent().getParent();
      Path jar = tree.resolve(Paths.get("pb-cli", "target", "pbj.jar"));
      return Files.isRegularFile(jar) ? jar : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Twisted PB's server, {@code twisted_echo_bench.py --serve} (a {@code pb.Root} whose {@code remote_echo} returns
   * its argument), with the Python named by {@value #PYTHON_PROPERTY}, else {@code $PBJ_PYTHON}, else
   * {@code /usr/bin/python3}.
   */
  public static ServerProcess twisted() throws IOException, InterruptedException {
    Path script = Files.createTempFile("twisted_echo_bench", ".py");
    try (InputStream in = ServerProcess.class.getResourceAsStream("/dev/pbj/bench/twisted_echo_bench.py")) {
      if (in == null) {
        throw new IllegalStateException("twisted_echo_bench.py is missing from the class path");
      }
      Files.write(script, in.readAllBytes());
      return start("Twisted PB", List.of(python(), "-u", script.toString(), "--serve"), Pattern.compile("(\\d+)"));
    } finally {
      Files.deleteIfExists(script); // Python has read it once the server printed its port (or failed)
    }
  }

  /** The Python {@link #twisted()} runs. */
  public static String python() {
    String configured = System.getProperty(PYTHON_PROPERTY);
    return configured != null && !configured.isBlank() ? configured
        : System.getenv().getOrDefault("PBJ_PYTHON", "/usr/bin/python3");
  }

  private static String java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static ServerProcess start(String name, List<String> command, Pattern ready)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("pb-bench-server", ".log");
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    } catch (IOException e) {
      Files.deleteIfExists(log);
      throw new IOException("cannot start " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
    }
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> readPort(process.getInputStream(), ready, port), "stdout-" + name);
    reader.setDaemon(true);
    reader.start();
    try {
      int bound = port.get(START_SECONDS, TimeUnit.SECONDS);
      return new ServerProcess(name, process, log, bound);
    } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
      stop(process);
      String why = e instanceof ExecutionException ? e.getCause().getMessage()
          : e instanceof TimeoutException ? "it did not print its port within " + START_SECONDS + " s" : e.toString();
      String err = tail(log);
      Files.deleteIfExists(log);
      if (e instanceof InterruptedException) {
        throw (InterruptedException) e;
      }
      throw new IllegalStateException("cannot start " + name + " (" + String.join(" ", command) + "): " + why
          + (err.isEmpty() ? "" : "; its stderr ends: " + err), e);
    }
  }

  /** Completes {@code port} from the first line matching {@code ready}, then reads on to the end. */
  private static void readPort(InputStream stdout, Pattern ready, CompletableFuture<Integer> port) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        Matcher m = ready.matcher(line.strip());
        if (!port.isDone() && m.matches()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
      port.completeExceptionally(new IllegalStateException("it exited without printing its port"));
    } catch (IOException | RuntimeException e) {
      port.completeExceptionally(e);
    }
  }

  /** The port it listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs stop
    }
    stop();
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // a temporary file left behind
    }
  }

  private void stop() {
    stop(process);
  }

  private static void stop(Process process) {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).strip();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", 127.0.0.1:" + port + ")";
  }
}
