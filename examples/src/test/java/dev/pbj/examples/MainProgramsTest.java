package dev.pbj.examples;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.RemoteReference;
import dev.pbj.core.PbClient;
import dev.pbj.testkit.ChildProcess;
import dev.pbj.testkit.TwistedPeer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each example's {@code main} in a JVM of its own, started as {@code mvn exec:java} would (the module's class path,
 * an address on the command line), so the README's commands keep working: the servers print their address, serve,
 * and exit 0 once their standard input ends; the client prints its steps and exits 0.
 */
// Past JUnit's 60 s default: a Python or JVM start on a busy two-core machine is slow; every wait inside is bounded.
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MainProgramsTest {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private static ChildProcess java(String mainClass, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return new ChildProcess(command, Examples.checkoutRoot().resolve("examples"));
  }

  @Test
  void shopServerServesUntilItsStdinEnds() throws Exception {
    try (ChildProcess shop = java("dev.pbj.examples.shop.ShopServer", "tcp://127.0.0.1:0");
        PbClient client = PbClient.builder().build()) {
      String uri = shop.awaitLine("listening tcp://", STARTUP).substring("listening ".length());
      RemoteReference root = client.connect(uri).get(30, SECONDS).rootObject();
      assertThat(root.callRemote("catalog").get(30, SECONDS)).isEqualTo(List.of("apple", "bread", "cheese"));
      shop.closeStdin();
      assertThat(shop.awaitExit(Duration.ofSeconds(30))).as("exit status; stderr:\n%s", shop.stderr()).isZero();
    }
  }

  @Test
  void browserAppServesThePageAndTheClientUntilItsStdinEnds() throws Exception {
    try (ChildProcess app = java("dev.pbj.examples.browser.BrowserApp", "127.0.0.1:0")) {
      URI page = URI.create(app.awaitLine("open http://", STARTUP).substring("open ".length()));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> index = http.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.body()).contains("<title>PBJ browser app</title>");
      HttpResponse<String> client = http.send(HttpRequest.newBuilder(page.resolve("/pbj-client/index.js"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(client.statusCode()).isEqualTo(200);
      // browsers run a module script only if it is served as JavaScript
      assertThat(client.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
          assertThat(type).startsWith("text/javascript"));
      assertThat(client.body()).contains("export");
      app.closeStdin();
      assertThat(app.awaitExit(Duration.ofSeconds(30))).as("exit status; stderr:\n%s", app.stderr()).isZero();
    }
  }

  @Test
  void weatherClientRunsAgainstTheTwistedStationAndExits() throws Exception {
    try (ChildProcess station = new ChildProcess(List.of(TwistedPeer.TWISTED22.python(), "-u", "twisted_server.py",
        "--port", "0"), Examples.example("twisted-server-java-client"))) {
      String uri = station.awaitLine("listening ", STARTUP).substring("listening ".length());
      try (ChildProcess client = java("dev.pbj.examples.weather.WeatherClient", uri)) {
        assertThat(client.awaitExit(STARTUP)).as("exit status; stderr:\n%s", client.stderr()).isZero();
        assertThat(client.stdout()).containsExactlyElementsOf(TwistedServerJavaClientTest.OUTPUT);
      }
    }
  }
}
