package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.accepting;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.spi.TransportProvider;
import dev.pbj.spi.TransportServer;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebSocketTransportProviderTest {

  @Test
  void serviceLoaderFindsItForTheWsAndWssSchemes() {
    for (String scheme : List.of("ws", "wss")) {
      TransportProvider found = ServiceLoader.load(TransportProvider.class).stream()
          .map(ServiceLoader.Provider::get)
          .filter(provider -> provider.schemes().contains(scheme))
          .findFirst()
          .orElseThrow();
      try (found) {
        assertThat(found).isInstanceOf(WebSocketTransportProvider.class);
        assertThat(found.isAvailable()).isTrue();
        assertThat(found.schemes()).containsExactly("ws", "wss");
      }
    }
  }

  @Test
  void constructionStartsNoThreadsAndClosingAnUnusedProviderIsHarmless() {
    var provider = new WebSocketTransportProvider();
    assertThat(provider.startedServerRuntime()).isNull();
    assertThat(provider.startedClientRuntime()).isNull();
    provider.close();
    provider.close();
    assertThat(provider.startedServerRuntime()).isNull();
    assertThat(provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(link -> new RecordingHandler())))
        .failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void ioThreadsSetsTheServersThreadCount() throws Exception {
    try (var provider = WebSocketTransportProvider.builder().ioThreads(1).build();
        TransportServer server = provider.listen(URI.create("ws://127.0.0.1:0/pb"),
            accepting(link -> new RecordingHandler())).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      assertThat(server.localAddress().getPort()).isPositive();
      assertThat(provider.startedServerRuntime().worker.getIoThreadCount()).isEqualTo(1);
      assertThat(provider.startedClientRuntime()).isNull();
      assertThat(server).hasToString("WebSocketServer[ws://127.0.0.1:" + server.localAddress().getPort() + "/pb]");
    }
  }

  @Test
  void listeningOnABusyPortFailsWithTheBindError() throws Exception {
    try (var provider = new WebSocketTransportProvider();
        TransportServer first = provider.listen(URI.create("ws://127.0.0.1:0/pb"),
            accepting(link -> new RecordingHandler())).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      URI busy = URI.create("ws://127.0.0.1:" + first.localAddress().getPort() + "/pb");
      assertThat(provider.listen(busy, accepting(link -> new RecordingHandler())))
          .failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(BindException.class);
    }
  }

  @Test
  void listeningOnWssWithoutAnSslContextFailsClearlyAndStartsNoThreads() {
    try (var provider = new WebSocketTransportProvider()) {
      assertThat(provider.listen(URI.create("wss://127.0.0.1:0/pb"), accepting(link -> new RecordingHandler())))
          .failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(IllegalArgumentException.class)
          .withMessage("listening on wss://127.0.0.1:0/pb needs TLS settings with the server's key: "
              + "PbServer.builder().tls(TlsOptions...) or WebSocketTransportProvider.builder().sslContext(...)");
      assertThat(provider.startedServerRuntime()).isNull();
    }
  }

  @Test
  void builderRejectsSettingsThatCannotWork() {
    var builder = WebSocketTransportProvider.builder();
    assertThatThrownBy(() -> builder.ioThreads(0)).hasMessageContaining("ioThreads (0)");
    assertThatThrownBy(() -> builder.maxFrameSize(0)).hasMessageContaining("maxFrameSize (0)");
    assertThatThrownBy(() -> builder.pingInterval(Duration.ofSeconds(-1))).hasMessageContaining("pingInterval (PT-1S)");
    assertThatThrownBy(() -> builder.closeGrace(Duration.ofSeconds(-1))).hasMessageContaining("closeGrace (PT-1S)");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO)).hasMessageContaining("connectTimeout (PT0S)");
    assertThatThrownBy(() -> builder.allowedOrigins(List.of("example.com")))
        .hasMessageContaining("'example.com' is not an origin");
    assertThatThrownBy(() -> builder.allowedOrigins(List.of("https://example.com/app")))
        .hasMessageContaining("'https://example.com/app' is not an origin");
    assertThatThrownBy(() -> builder.staticResource("index.html", "text/html", new byte[0]))
        .hasMessageContaining("must start with /");
    assertThatThrownBy(() -> WebSocketTransportProvider.builder()
        .pingInterval(Duration.ofSeconds(30)).idleTimeout(Duration.ofSeconds(30)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idleTimeout (PT30S) must be longer than pingInterval (PT30S)");
    // Turning either off is fine.
    WebSocketTransportProvider.builder().pingInterval(Duration.ZERO).idleTimeout(Duration.ofSeconds(1)).build().close();
    WebSocketTransportProvider.builder().idleTimeout(Duration.ZERO).build().close();
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    try (var provider = new WebSocketTransportProvider()) {
      assertThat(provider).hasToString("WebSocketTransportProvider[maxFrameSize=16777216, pingInterval=30000 ms, "
          + "idleTimeout=90000 ms, " + OriginPolicy.sameOriginAndLoopback() + "]");
    }
  }
}
