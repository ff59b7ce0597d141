package dev.pbj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pbj.testkit.RedisProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code pbj serve --cluster} processes of the packaged jar (Jedis shaded in) on one real redis-server: what is
 * said through one is in the other's room; with Redis stopped, each logs the loss once on stderr and serves its own
 * room; with Redis back, each logs its return and what is said through one reaches the other once.
 */
class ClusterJarIT {
  private static final Path JAR = Path.of(System.getProperty("pbj.jar", "target/pbj.jar"));
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  private RedisProcess redis;
  private final List<Serve> serves = new ArrayList<>();

  /** A running {@code pbj serve}: its address and everything it has written on stderr so far. */
  private record Serve(Process process, String uri, StringBuffer err) {}

  @BeforeEach
  void startRedis() {
    String missing = RedisProcess.missing();
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(missing);
      }
      Assumptions.abort(missing);
    }
    redis = RedisProcess.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    for (Serve serve : serves) {
      serve.process().getOutputStream().close();
      if (!serve.process().waitFor(30, TimeUnit.SECONDS)) {
        serve.process().destroyForcibly();
      }
    }
    if (redis != null) {
      redis.stop();
    }
  }

  private Serve serve() throws Exception {
    Process process = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "serve", "--tcp", "127.0.0.1:0", "--cluster",
        redis.uri(), "--until-stdin-closes").start();
    StringBuffer err = new StringBuffer();
    Thread errReader = new Thread(() -> copy(process.getErrorStream(), err), "pbj-it-serve-err");
    errReader.setDaemon(true);
    errReader.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, task -> new Thread(task, "pbj-it-serve-out").start());
    String line = firstLine.get(60, TimeUnit.SECONDS);
    assertThat(line).as("serve's first line; stderr: %s", err).matches("listening tcp://127\\.0\\.0\\.1:\\d+");
    Serve serve = new Serve(process, line.substring("listening ".length()), err);
    serves.add(serve);
    return serve;
  }

  private static void copy(InputStream in, StringBuffer into) {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    try {
      for (String line; (line = reader.readLine()) != null; ) {
        into.append(line).append('\n');
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** Runs {@code pbj ARGS…} to its end; returns its standard output, after checking it exited 0. */
  private static String pbj(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("pbj %s finished", String.join(" ", args)).isTrue();
    String text = out.get(10, TimeUnit.SECONDS);
    assertThat(process.exitValue()).as("pbj %s: %s", String.join(" ", args), text).isZero();
    return text;
  }

  private static List<String> messages(Serve serve) throws Exception {
    JsonNode room = JSON.readTree(pbj("call", serve.uri(), "room"));
    List<String> messages = new ArrayList<>();
    room.get("state").get("messages").forEach(node -> messages.add(node.asText()));
    return messages;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited for %s", what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** Polls {@code serve}'s room (a {@code pbj call} each time) until it has {@code text}. */
  private static List<String> awaitMessage(Serve serve, String text) throws Exception {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (true) {
      List<String> messages = messages(serve);
      if (messages.contains(text)) {
        return messages;
      }
      assertThat(System.nanoTime()).as("%s in %s's room: %s", text, serve.uri(), messages).isLessThan(deadline);
    }
  }

  private static long count(StringBuffer text, String part) {
    return text.toString().lines().filter(line -> line.contains(part)).count();
  }

  @Test
  void twoServeProcessesShareTheRoomAndSurviveRedisGoingAndComingBack() throws Exception {
    assertThat(JAR).as("built by mvn package").isRegularFile();
    Serve a = serve();
    Serve b = serve();
    assertThat(pbj("call", a.uri(), "say", "\"through a\"")).isEqualTo("null\n");
    assertThat(awaitMessage(b, "through a")).containsExactly("through a");

    redis.stop();
    String lost = "Redis at " + redis.uri() + " is unreachable";
    await("both report the loss on stderr", () -> count(a.err(), lost) == 1 && count(b.err(), lost) == 1);
    assertThat(pbj("call", a.uri(), "say", "\"a alone\"")).isEqualTo("null\n");
    assertThat(messages(a)).containsExactly("through a", "a alone");
    assertThat(messages(b)).containsExactly("through a");

    redis.start();
    String back = "Redis at " + redis.uri() + " is back after";
    await("both report the return", () -> count(a.err(), back) == 1 && count(b.err(), back) == 1);
    assertThat(pbj("call", "--login", "bob:builder", b.uri(), "shout", "\"after\"")).isEqualTo("\"bob: after\"\n");
    assertThat(awaitMessage(a, "bob: after")).containsExactly("through a", "a alone", "bob: after");
    assertThat(messages(b)).containsExactly("through a", "bob: after");
    assertThat(count(a.err(), lost)).as("one line per outage: %s", a.err()).isEqualTo(1);
    assertThat(a.err().toString().lines().filter(line -> !line.contains(lost) && !line.contains(back)).toList())
        .as("nothing else on stderr").isEmpty();
  }
}
