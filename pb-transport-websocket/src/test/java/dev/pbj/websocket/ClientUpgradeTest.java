package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.handing;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.ProtocolException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's opening handshake as a server sees it, and what the client makes of answers that are not right. */
class ClientUpgradeTest {

  private final WebSocketTransportProvider provider =
      WebSocketTransportProvider.builder().upgradeHeader("Authorization", "Bearer t0ken").build();

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Test
  void theRequestOffersTheSerializersInOrderWithTheQueryAndHeadersAndNoOrigin() throws Exception {
    try (var server = new OneAnswerServer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Accept: not-the-right-one\r\n\r\n")) {
      var connecting = provider.connect(URI.create("ws://127.0.0.1:" + server.port() + "/pb?access_token=abc"),
          handing(new RecordingHandler()));

      Map<String, String> headers = server.headers().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(connecting).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(ProtocolException.class)
          .withMessageContaining("Sec-WebSocket-Accept is not-the-right-one, not "
              + ClientUpgrade.accept(headers.get("sec-websocket-key")));
      assertThat(server.requestLine()).isEqualTo("GET /pb?access_token=abc HTTP/1.1");
      assertThat(headers).containsEntry("host", "127.0.0.1:" + server.port())
          .containsEntry("upgrade", "websocket").containsEntry("connection", "Upgrade")
          .containsEntry("sec-websocket-version", "13").containsEntry("sec-websocket-protocol", "banana, msgpack")
          .containsEntry("authorization", "Bearer t0ken").doesNotContainKey("origin");
    }
  }

  @Test
  void aPlainHttpAnswerIsARefusedUpgradeWithItsStatusAndBody() throws Exception {
    try (var server = new OneAnswerServer("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\n\r\nbusy now\n")) {
      var connecting = provider.connect(URI.create("ws://127.0.0.1:" + server.port()), handing(new RecordingHandler()));

      assertThat(connecting).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOfSatisfying(WebSocketUpgradeException.class,
              refused -> assertThat(refused.status()).isEqualTo(503))
          .withMessageContaining("refused the WebSocket upgrade with HTTP 503: busy now");
    }
  }

  @Test
  void a101ThatIsNotAWebSocketUpgradeFailsTheConnect() throws Exception {
    try (var server = new OneAnswerServer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
        + "Connection: Upgrade\r\n\r\n")) {
      var connecting = provider.connect(URI.create("ws://127.0.0.1:" + server.port()), handing(new RecordingHandler()));

      assertThat(connecting).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(ProtocolException.class).withMessageContaining("Upgrade: h2c");
    }
  }

  @Test
  void anAnswerThatIsNotHttpFailsTheConnectWithProtocolException() throws Exception {
    String endless = "HTTP/1.1 101 Switching Protocols\r\nX-Filler: " + "x".repeat(100_000) + "\r\n\r\n";
    for (String answer : new String[] {"SSH-2.0-OpenSSH_9.2\r\n\r\n", endless}) {
      try (var server = new OneAnswerServer(answer)) {
        var connecting = provider.connect(URI.create("ws://127.0.0.1:" + server.port()),
            handing(new RecordingHandler()));

        assertThat(connecting).as(answer.substring(0, 20)).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .withThrowableOfType(ExecutionException.class)
            .havingCause().isInstanceOf(ProtocolException.class).withMessageContaining("no valid HTTP response");
      }
    }
  }

  @Test
  void aServerThatNeverAnswersTheUpgradeFailsTheConnectAtTheConnectTimeout() throws Exception {
    try (var silent = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        var impatient = WebSocketTransportProvider.builder().connectTimeout(java.time.Duration.ofMillis(300))
            .build()) {
      long start = System.nanoTime();
      var connecting = impatient.connect(URI.create("ws://127.0.0.1:" + silent.getLocalPort()),
          handing(new RecordingHandler()));

      assertThat(connecting).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(java.net.ConnectException.class).withMessageContaining("within 300 ms");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
    }
  }

  @Test
  void serializerNamesMustBeHttpTokens() {
    assertThat(ClientUpgrade.isToken("msgpack")).isTrue();
    assertThat(ClientUpgrade.isToken("x-pb.v2")).isTrue();
    assertThat(ClientUpgrade.isToken("")).isFalse();
    assertThat(ClientUpgrade.isToken("two words")).isFalse();
    assertThat(ClientUpgrade.isToken("a,b")).isFalse();
    assertThat(ClientUpgrade.isToken("é")).isFalse();
  }

  /** A server on 127.0.0.1 that reads one request's head, answers it with fixed bytes, then waits to be closed. */
  private static final class OneAnswerServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final CompletableFuture<Map<String, String>> headers = new CompletableFuture<>();
    private volatile String requestLine;
    private final Thread thread;

    OneAnswerServer(String answer) throws Exception {
      thread = new Thread(() -> {
        try (Socket client = socket.accept()) {
          var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
          requestLine = in.readLine();
          Map<String, String> seen = new LinkedHashMap<>();
          for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            int colon = line.indexOf(':');
            seen.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
          }
          headers.complete(seen);
          client.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
          client.getOutputStream().flush();
          while (client.getInputStream().read() >= 0) {
            // until the client hangs up
          }
        } catch (Exception e) {
          headers.completeExceptionally(e);
        }
      }, "one-answer-server");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    CompletableFuture<Map<String, String>> headers() {
      return headers;
    }

    String requestLine() {
      return requestLine;
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }
}
