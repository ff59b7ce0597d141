package dev.pbj.websocket;

import static dev.pbj.websocket.Acceptors.accepting;
import static dev.pbj.websocket.Acceptors.handing;
import static dev.pbj.websocket.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.ProtocolException;
import dev.pbj.spi.Link;
import dev.pbj.spi.TransportServer;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The serializer is agreed through Sec-WebSocket-Protocol: the server's preference among the client's offers. */
class SubprotocolNegotiationTest {

  private final WebSocketTransportProvider provider = WebSocketTransportProvider.builder().build();
  private final BlockingQueue<Link> accepted = new LinkedBlockingQueue<>();

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Test
  void theServerPicksItsOwnFirstPreferenceAmongTheClientsOffers() throws Exception {
    try (TransportServer server = listen(List.of("msgpack", "banana"))) {
      Link client = connect(server, List.of("banana", "msgpack"));

      assertThat(client.negotiatedSerializer()).isEqualTo("msgpack");
      assertThat(nextAccepted().negotiatedSerializer()).isEqualTo("msgpack");
    }
  }

  @Test
  void theServerTakesTheOnlyOfferItAccepts() throws Exception {
    try (TransportServer server = listen(List.of("banana", "msgpack"))) {
      Link client = connect(server, List.of("cbor", "msgpack"));

      assertThat(client.negotiatedSerializer()).isEqualTo("msgpack");
      assertThat(nextAccepted().negotiatedSerializer()).isEqualTo("msgpack");
    }
  }

  @Test
  void aClientOfferingNothingGetsTheServersFirstAndNoSubprotocolHeader() throws Exception {
    try (TransportServer server = listen(List.of("msgpack", "banana"));
        var raw = RawWebSocket.connect(server.localAddress().getPort())) {
      RawWebSocket.Response response = raw.requestUpgrade("/pb", Map.of());

      assertThat(response.status()).isEqualTo(101);
      assertThat(response.headers()).doesNotContainKey("sec-websocket-protocol");
      assertThat(nextAccepted().negotiatedSerializer()).isEqualTo("msgpack");
    }
  }

  @Test
  void offersSplitOverSeveralHeadersAndSpacesAreRead() throws Exception {
    try (TransportServer server = listen(List.of("banana", "msgpack"));
        var raw = RawWebSocket.connect(server.localAddress().getPort())) {
      RawWebSocket.Response response = raw.requestUpgrade("/pb", Map.of("Sec-WebSocket-Protocol", " cbor ,msgpack "));

      assertThat(response.status()).isEqualTo(101);
      assertThat(response.headers()).containsEntry("sec-websocket-protocol", "msgpack");
      assertThat(nextAccepted().negotiatedSerializer()).isEqualTo("msgpack");
    }
  }

  @Test
  void offersTheServerDoesNotAcceptAreRefusedWith400NamingWhatItAccepts() throws Exception {
    try (TransportServer server = listen(List.of("banana", "msgpack"))) {
      var connecting = provider.connect(WebSocketTransportTest.uri(server),
          accepting(List.of("json", "cbor"), link -> new RecordingHandler()));

      assertThat(connecting).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(IOException.class).withMessageContaining("HTTP 400");

      try (var raw = RawWebSocket.connect(server.localAddress().getPort())) {
        RawWebSocket.Response response = raw.requestUpgrade("/pb", Map.of("Sec-WebSocket-Protocol", "json, cbor"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("none of the offered subprotocols [json, cbor] is a serializer this "
            + "server accepts; it accepts [banana, msgpack]\n");
      }
      assertThat(accepted).isEmpty();
    }
  }

  @Test
  void aServerThatAgreesOnNoSerializerFailsTheConnect() throws Exception {
    // The raw server answers 101 without a Sec-WebSocket-Protocol, as a server that ignores subprotocols would.
    try (var server = new RawWebSocketServer(null)) {
      var connecting = provider.connect(URI.create("ws://127.0.0.1:" + server.port() + "/pb"),
          handing(new RecordingHandler()));

      assertThat(connecting).failsWithin(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(ProtocolException.class)
          .withMessageContaining("agreed on no serializer; this client offered [banana, msgpack]");
    }
  }

  @Test
  void anAcceptorWithoutSerializersCannotListenOrConnect() {
    var none = accepting(List.of(), link -> new RecordingHandler());
    assertThat(provider.listen(URI.create("ws://127.0.0.1:0/pb"), none))
        .failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(IllegalArgumentException.class)
        .withMessageContaining("LinkAcceptor.serializers()");
    assertThat(provider.connect(URI.create("ws://127.0.0.1:1/pb"), none))
        .failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(IllegalArgumentException.class)
        .withMessageContaining("LinkAcceptor.serializers()");
  }

  private TransportServer listen(List<String> serializers) throws Exception {
    return provider.listen(URI.create("ws://127.0.0.1:0/pb"), accepting(serializers, link -> {
      accepted.add(link);
      return new RecordingHandler();
    })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private Link connect(TransportServer server, List<String> serializers) throws Exception {
    return provider.connect(WebSocketTransportTest.uri(server), accepting(serializers, link -> new RecordingHandler()))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private Link nextAccepted() throws InterruptedException {
    Link next = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).as("an accepted connection").isNotNull();
    return next;
  }
}
