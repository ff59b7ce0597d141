package dev.pbj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  private static Finished pbj(String... args) throws Exception {
    Process process = start(args);
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
    } finally {
      server.getOutputStream().close();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    assertThat(server.exitValue()).as("serve's status; stderr: %s", serverErr.getNow("")).isZero();
  }

  @Test
  void packagedJarPrintsUsage() throws Exception {
    Finished help = pbj("help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).isEqualTo(Main.USAGE);
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
