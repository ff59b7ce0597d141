package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.accepting;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.spi.TransportServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Browsers send an Origin header and let any page connect anywhere; the server refuses pages it does not trust
 * with 403. Requests without an Origin come from programs and pass.
 */
class OriginCheckTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private WebSocketTransportProvider provider = WebSocketTransportProvider.builder().build();

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Test
  void byDefaultPagesOnLoopbackHostsMayConnectFromAnyPort() throws Exception {
    try (TransportServer server = listen()) {
      for (String origin : List.of("http://localhost:3000", "http://127.0.0.1:8080", "https://[::1]:4443",
          "http://LOCALHOST")) {
        assertThat(upgradeStatus(server, origin)).as(origin).isEqualTo(101);
      }
    }
  }

  @Test
  void byDefaultAPageOfTheServersOwnOriginMayConnect() throws Exception {
    try (TransportServer server = listen(); var raw = RawWebSocket.connect(server.localAddress().getPort())) {
      // As a browser on http://pbj.example:8790/ would send it, the server being reached under that name.
      RawWebSocket.Response response = raw.requestUpgrade("/pb",
          Map.of("Host", "pbj.example:8790", "Origin", "http://pbj.example:8790"));
      assertThat(response.status()).isEqualTo(101);
    }
    try (TransportServer server = listen(); var raw = RawWebSocket.connect(server.localAddress().getPort())) {
      RawWebSocket.Response response = raw.requestUpgrade("/pb",
          Map.of("Host", "pbj.example", "Origin", "http://pbj.example"));
      assertThat(response.status()).as("default ports on both sides").isEqualTo(101);
    }
  }

  @Test
  void byDefaultOtherOriginsAreRefusedWith403() throws Exception {
    try (TransportServer server = listen()) {
      for (String origin : List.of("https://evil.example", "http://pbj.example:8790", "null", "file://",
          "http://127.0.0.1.evil.example")) {
        assertThat(upgradeStatus(server, origin)).as(origin).isEqualTo(403);
      }
      try (var raw = RawWebSocket.connect(server.localAddress().getPort())) {
        RawWebSocket.Response response = raw.requestUpgrade("/pb",
            Map.of("Host", "pbj.example:8790", "Origin", "http://pbj.example:9999"));
        assertThat(response.status()).as("another port of the same host").isEqualTo(403);
        assertThat(response.body()).startsWith("Origin http://pbj.example:9999 may not open a WebSocket here; "
            + "this server accepts requests without an Origin, its own origin, and pages on localhost");
      }
    }
  }

  @Test
  void theRefusalReachesTheClientsConnectFutureWithItsStatus() throws Exception {
    try (TransportServer server = listen()) {
      CompletableFuture<WebSocket> opening = http.newWebSocketBuilder()
          .header("Origin", "https://evil.example")
          .buildAsync(WebSocketTransportTest.uri(server), new WebSocket.Listener() {});
      assertThat(opening).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
              refused -> assertThat(refused.getResponse().statusCode()).isEqualTo(403));
    }
  }

  @Test
  void allowedOriginsReplacesTheDefaultWithExactlyTheListedOrigins() throws Exception {
    provider.close();
    provider = WebSocketTransportProvider.builder()
        .allowedOrigins(List.of("https://app.example", "http://127.0.0.1:8790"))
        .build();
    try (TransportServer server = listen()) {
      assertThat(upgradeStatus(server, "https://app.example")).isEqualTo(101);
      assertThat(upgradeStatus(server, "https://APP.example:443")).isEqualTo(101);
      assertThat(upgradeStatus(server, "http://127.0.0.1:8790")).isEqualTo(101);
      assertThat(upgradeStatus(server, "http://127.0.0.1:8791")).isEqualTo(403);
      assertThat(upgradeStatus(server, "http://app.example")).isEqualTo(403);
      assertThat(upgradeStatus(server, "http://localhost:3000")).isEqualTo(403);
      assertThat(upgradeStatus(server, null)).as("no Origin: not a browser").isEqualTo(101);
    }
  }

  @Test
  void allowAnyOriginLetsEveryPageConnect() throws Exception {
    provider.close();
    provider = WebSocketTransportProvider.builder().allowAnyOrigin().build();
    try (TransportServer server = listen()) {
      assertThat(upgradeStatus(server, "https://evil.example")).isEqualTo(101);
      assertThat(upgradeStatus(server, "null")).isEqualTo(101);
    }
  }

  private TransportServer listen() throws Exception {
    return provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> new RecordingHandler()))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** The status of an upgrade request with {@code origin} ({@code null}: no Origin header). */
  private static int upgradeStatus(TransportServer server, String origin) throws IOException {
    try (var raw = RawWebSocket.connect(server.localAddress().getPort())) {
      Map<String, String> headers = origin == null
          ? Map.of("Sec-WebSocket-Protocol", "banana")
          : Map.of("Sec-WebSocket-Protocol", "banana", "Origin", origin);
      return raw.requestUpgrade("/pb", headers).status();
    }
  }
}
