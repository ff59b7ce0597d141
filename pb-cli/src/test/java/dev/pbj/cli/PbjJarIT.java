package dev.pbj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the packaged {@code target/pbj.jar} as real processes: the shaded jar must start, find its serializer and
 * transport through the merged {@code META-INF/services}, and keep log lines off standard output.
 */
class PbjJarIT {
  private static final Path JAR = Path.of(System.getProperty("pbj.jar", "target/pbj.jar"));
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  /** What a finished process printed. */
  record Finished(int status, String out, String err) {}

  private static Process start(String... args) throws IOException {
    return start(java.util.Map.of(), args);
  }

  private static Process start(java.util.Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    return builder.start();
  }

  private static Finished pbj(String... args) throws Exception {
    return pbj(java.util.Map.of(), args);
  }

  private static Finished pbj(java.util.Map<String, String> environment, String... args) throws Exception {
    Process process = start(environment, args);
    process.getOutputStream().close();
    CompletableFuture<String> out = readAll(process, false);
    CompletableFuture<String> err = readAll(process, true);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("pbj " + String.join(" ", args) + " did not finish within 60 s");
    }
    return new Finished(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
  }

  private static CompletableFuture<String> readAll(Process process, boolean stderr) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        text.complete(new String((stderr ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
            StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.completeExceptionally(e);
      }
    }, "pbj-it-reader");
    reader.setDaemon(true);
    reader.start();
    return text;
  }

  @Test
  void packagedJarServesAndCalls() throws Exception {
    assertThat(JAR).as("built by mvn package").isRegularFile();
    Process server = start("serve", "--tcp", "127.0.0.1:0", "--until-stdin-closes");
    CompletableFuture<String> serverErr = readAll(server, true);
    try {
      BufferedReader serverOut = new BufferedReader(
          new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
        try {
          return serverOut.readLine();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, task -> new Thread(task, "pbj-it-serve-out").start());
      String line = firstLine.get(60, TimeUnit.SECONDS);
      assertThat(line).as("serve's first line; stderr: %s", serverErr.getNow("")).matches(
          "listening tcp://127\\.0\\.0\\.1:\\d+");
      String uri = line.substring("listening ".length());

      assertThat(pbj("call", uri, "echo", "{\"$tuple\":[1,\"h\u00e9\",{\"$bytes\":\"aGk=\"}]}"))
          .isEqualTo(new Finished(0, "{\"$tuple\":[1,\"h\u00e9\",{\"$bytes\":\"aGk=\"}]}\n", ""));
      assertThat(pbj("call", uri, "fail", "\"nope\"")).isEqualTo(new Finished(1, "", "twisted.spread.pb.Error: nope\n"));
      assertThat(pbj("call", uri, "point", "3", "4"))
          .isEqualTo(new Finished(0, "{\"$copy\":\"pbj.demo.Point\",\"state\":{\"x\":3,\"y\":4}}\n", ""));
      assertThat(pbj("call", "--login", "alice:wonderland", uri, "shout", "\"hi\""))
          .isEqualTo(new Finished(0, "\"alice: hi\"\n", ""));
      // the password out of the command line (and the shell's history)
      assertThat(pbj(java.util.Map.of("PBJ_PASSWORD", "wonderland"), "call", "--login", "alice", uri, "whoami"))
          .isEqualTo(new Finished(0, "\"alice\"\n", ""));
    } finally {
      server.getOutputStream().close();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    assertThat(server.exitValue()).as("serve's status; stderr: %s", serverErr.getNow("")).isZero();
  }

  /** The client's side of the demo's {@code callback}: answers {@code got} once the test lets it. */
  public static final class HeldAnswer implements dev.pbj.Referenceable {
    final java.util.concurrent.CountDownLatch called = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    @dev.pbj.Remote
    public String got(Object x) throws InterruptedException {
      called.countDown();
      return release.await(30, TimeUnit.SECONDS) ? "held " + x : "gave up";
    }
  }

  @Test
  void sigtermLetsTheCallsInFlightFinishAndRefusesNewOnes() throws Exception {
    Process server = start("serve", "--tcp", "127.0.0.1:0");
    CompletableFuture<String> serverErr = readAll(server, true);
    try (dev.pbj.core.PbClient client = dev.pbj.core.PbClient.builder().build()) {
      BufferedReader serverOut = new BufferedReader(
          new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> {
        try {
          return serverOut.readLine();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, task -> new Thread(task, "pbj-it-serve-out").start()).get(60, TimeUnit.SECONDS);
      assertThat(line).as("stderr: %s", serverErr.getNow("")).startsWith("listening tcp://");
      dev.pbj.Broker broker = client.connect(line.substring("listening ".length())).get(10, TimeUnit.SECONDS);
      HeldAnswer held = new HeldAnswer();
      CompletableFuture<Object> inFlight = broker.rootObject().callRemote("callback", held, 7);
      assertThat(held.called.await(10, TimeUnit.SECONDS)).isTrue();

      server.destroy(); // SIGTERM
      // the server takes no new calls (the first may still be racing the signal)
      Throwable refused = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (int i = 0; refused == null && System.nanoTime() < end; i++) {
        try {
          broker.rootObject().callRemote("echo", i).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          refused = e.getCause();
        }
      }
      assertThat(refused).isInstanceOf(dev.pbj.ShuttingDownException.class);
      assertThat(server.isAlive()).isTrue();

      held.release.countDown();
      assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("held 7");
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stderr: %s", serverErr.getNow("")).isTrue();
      broker.closeFuture().get(10, TimeUnit.SECONDS);
    } finally {
      if (server.isAlive()) {
        server.destroyForcibly();
      }
    }
  }

  /**
   * {@code pbj demo} from the jar: the page and the browser client come from inside it, listed at run time; the
   * WebSocket's log lines (Undertow, XNIO) stay off both streams.
   */
  @Test
  void packagedJarServesTheDemoSite() throws Exception {
    Process demo = start("demo", "--tcp", "127.0.0.1:0", "--ws", "127.0.0.1:0", "--until-stdin-closes");
    CompletableFuture<String> demoErr = readAll(demo, true);
    try {
      BufferedReader demoOut = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
        try {
          return List.of(demoOut.readLine(), demoOut.readLine(), demoOut.readLine());
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, task -> new Thread(task, "pbj-it-demo-out").start());
      List<String> printed = lines.get(60, TimeUnit.SECONDS);
      assertThat(printed.get(0)).matches("listening tcp://127\\.0\\.0\\.1:\\d+");
      assertThat(printed.get(1)).matches("listening ws://127\\.0\\.0\\.1:\\d+/pb");
      assertThat(printed.get(2)).matches("open http://127\\.0\\.0\\.1:\\d+/");
      String site = printed.get(2).substring("open ".length());
      HttpClient http = HttpClient.newHttpClient();
      try (var jar = new java.util.jar.JarFile(JAR.toFile())) {
        List<String> files = jar.stream().map(java.util.jar.JarEntry::getName)
            .filter(name -> name.startsWith("dev/pbj/cli/demo/web/") && !name.endsWith("/")).toList();
        assertThat(files).contains("dev/pbj/cli/demo/web/index.html", "dev/pbj/cli/demo/web/pbj-client/index.js");
        assertThat(files.size()).isGreaterThan(10);
        for (String file : files) {
          String path = file.substring("dev/pbj/cli/demo/web/".length());
          HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(URI.create(site + path)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
          assertThat(got.statusCode()).as(path).isEqualTo(200);
          byte[] stored = jar.getInputStream(jar.getJarEntry(file)).readAllBytes();
          if (path.equals("index.html")) { // the page's command-line hint names the real TCP address
            String tcp = printed.get(0).substring("listening ".length());
            stored = new String(stored, StandardCharsets.UTF_8).replace(DemoCommand.CLI_HINT_ADDRESS, tcp)
                .getBytes(StandardCharsets.UTF_8);
          }
          assertThat(got.body()).as(path).isEqualTo(stored);
        }
      }
      HttpResponse<String> client = http.send(HttpRequest.newBuilder(URI.create(site + "pbj-client.js")).build(),
          HttpResponse.BodyHandlers.ofString());
      MainTest.assertClientModule(http, site, client);
      String ws = printed.get(1).substring("listening ".length());
      assertThat(pbj("call", ws, "add", "2", "40")).isEqualTo(new Finished(0, "42\n", ""));
    } finally {
      demo.getOutputStream().close();
      if (!demo.waitFor(30, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
    }
    assertThat(demo.exitValue()).isZero();
    assertThat(demoErr.get(10, TimeUnit.SECONDS)).as("demo's stderr").isEmpty();
  }

  @Test
  void packagedJarPrintsUsage() throws Exception {
    Finished help = pbj("help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).isEqualTo(Main.usage());
    assertThat(help.err()).isEmpty();
  }

  @Test
  void packagedJarHasTheServiceFilesAndMainClass() throws IOException {
    try (var jar = new java.util.jar.JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.pbj.cli.Main");
      for (String service : new String[] {"dev.pbj.spi.SerializerProvider", "dev.pbj.spi.TransportProvider"}) {
        var entry = jar.getJarEntry("META-INF/services/" + service);
        assertThat(entry).as(service).isNotNull();
        assertThat(new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8)).isNotBlank();
      }
      assertThat(jar.getJarEntry("simplelogger.properties")).isNotNull();
    }
  }
}
