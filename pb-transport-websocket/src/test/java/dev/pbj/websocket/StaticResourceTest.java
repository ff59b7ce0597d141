package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.accepting;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.spi.TransportServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The same server serves the demo page and the client module beside the WebSocket endpoint. */
class StaticResourceTest {

  private static final byte[] PAGE = "<!doctype html><title>PBJ</title>".getBytes(UTF_8);
  private static final byte[] MODULE = "export function connect() {}\n".getBytes(UTF_8);

  private final HttpClient http = HttpClient.newHttpClient();
  private WebSocketTransportProvider provider;
  private TransportServer server;

  @BeforeEach
  void listen() throws Exception {
    provider = WebSocketTransportProvider.builder()
        .staticResource("/", "text/html; charset=utf-8", PAGE)
        .staticResource("/pbj-client.js", "text/javascript; charset=utf-8", MODULE)
        .build();
    server = provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> new RecordingHandler()))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Test
  void aGetOfAStaticResourceAnswersItsBodyAndContentType() throws Exception {
    HttpResponse<byte[]> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).isEqualTo(PAGE);

    HttpResponse<byte[]> module = get("/pbj-client.js");
    assertThat(module.statusCode()).isEqualTo(200);
    assertThat(module.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
    assertThat(module.body()).isEqualTo(MODULE);
  }

  @Test
  void aHeadAnswersTheHeadersOnly() throws Exception {
    try (var raw = RawWebSocket.connect(server.localAddress().getPort())) {
      RawWebSocket.Response head = raw.request("HEAD", "/pbj-client.js", Map.of());
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.headers()).containsEntry("content-length", String.valueOf(MODULE.length));
    }
  }

  @Test
  void everythingElseIs404AndOtherMethodsAre405() throws Exception {
    HttpResponse<byte[]> missing = get("/secret.txt");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new String(missing.body(), UTF_8)).isEqualTo("nothing at /secret.txt\n");

    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
  }

  @Test
  void aPlainGetOfTheWebSocketPathAsksForAnUpgrade() throws Exception {
    HttpResponse<byte[]> plain = get("/pb");
    assertThat(plain.statusCode()).isEqualTo(426);
    assertThat(new String(plain.body(), UTF_8)).contains("/pb is a WebSocket endpoint");
  }

  @Test
  void anUpgradeOnAnotherPathIsNotFound() throws Exception {
    try (var raw = RawWebSocket.connect(server.localAddress().getPort())) {
      assertThat(raw.requestUpgrade("/other", Map.of("Sec-WebSocket-Protocol", "banana")).status()).isEqualTo(404);
    }
  }

  @Test
  void theEndpointPathDefaultsToPb() throws Exception {
    TransportServer rooted = provider.listen(URI.create("ws://127.0.0.1:0"), accepting(link -> new RecordingHandler()))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (rooted; var raw = RawWebSocket.connect(rooted.localAddress().getPort())) {
      assertThat(raw.requestUpgrade("/pb", Map.of("Sec-WebSocket-Protocol", "banana")).status()).isEqualTo(101);
    }
    TransportServer slash = provider.listen(URI.create("ws://127.0.0.1:0/"), accepting(link -> new RecordingHandler()))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (slash) {
      var connected = provider.connect(URI.create("ws://127.0.0.1:" + slash.localAddress().getPort()),
          accepting(link -> new RecordingHandler())).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(connected.negotiatedSerializer()).isEqualTo("banana");
    }
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
  }
}
