package dev.pbj.core.internal.endpoint;

import static dev.pbj.core.internal.BrokerPair.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.pbj.Broker;
import dev.pbj.ConnectionRefusedException;
import dev.pbj.Limits;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.internal.BrokerPair;
import dev.pbj.core.internal.TestRoot;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Limits#maxConnections()}: the connection past it is refused at once, and taken again once one closes. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.pbj.core.internal.BrokerPair#setups")
class MaxConnectionsTest {
  @Parameter
  BrokerPair.Setup setup;

  @Test
  void theConnectionPastTheLimitIsRefusedAndOneIsTakenAgainOnceAnotherCloses() throws Exception {
    assumeThat(setup.inMemory()).as("the in-memory pipe has no server").isFalse();
    try (PbServer server = PbServer.builder().registry(BrokerPair.registry(setup)).root(new TestRoot())
        .limits(Limits.builder().maxConnections(2).build()).serializers(setup.serializer().name())
        .listen(setup.transport() + "://127.0.0.1:0/pb").build().start();
        PbClient client = PbClient.builder().registry(BrokerPair.registry(setup))
            .serializers(setup.serializer().name()).build()) {
      Broker first = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      Broker second = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      assertThat(first.rootObject().callRemote("echo", 1).get(10, TimeUnit.SECONDS)).isEqualTo(1L);

      CompletableFuture<Broker> third = client.connect(server.uri(0));
      if (framed()) {
        // a WebSocket is refused after its upgrade: closed at once, with 1013 (try again later) and the reason
        try {
          Broker made = third.get(10, TimeUnit.SECONDS);
          made.closeFuture().get(10, TimeUnit.SECONDS);
          assertThat(made.isConnected()).isFalse();
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(dev.pbj.PbException.class);
        }
        if (setup.transport().equals("ws")) {
          assertThat(closeOfRawWebSocket(server)).startsWith("1013 ").contains("maxConnections");
        }
      } else {
        assertThatThrownBy(() -> third.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(ConnectionRefusedException.class).hasMessageContaining("maxConnections");
      }
      assertThat(second.rootObject().callRemote("echo", 2).get(10, TimeUnit.SECONDS)).isEqualTo(2L);

      first.close();
      first.closeFuture().get(10, TimeUnit.SECONDS);
      eventually(() -> server.connections().size() == 1);
      Broker again = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (again == null) { // the server counts the first one closed once its link has closed, soon after
        CompletableFuture<Broker> attempt = client.connect(server.uri(0));
        try {
          Broker made = attempt.get(10, TimeUnit.SECONDS);
          if (made.rootObject().callRemote("echo", 3).get(10, TimeUnit.SECONDS).equals(3L)) {
            again = made;
          }
        } catch (ExecutionException e) {
          assertThat(System.nanoTime()).as("no connection taken after one closed: %s", e.getCause())
              .isLessThan(deadline);
          Thread.sleep(20);
        }
      }
      assertThat(again.isConnected()).isTrue();
    }
  }

  private boolean framed() {
    return setup.transport().startsWith("ws");
  }

  /** The close a plain WebSocket client gets from the server: {@code "CODE reason"}. */
  private String closeOfRawWebSocket(PbServer server) throws Exception {
    CompletableFuture<String> closed = new CompletableFuture<>();
    java.net.http.HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(setup.serializer().name())
        .buildAsync(server.uri(0), new java.net.http.WebSocket.Listener() {
          @Override
          public CompletableFuture<?> onClose(java.net.http.WebSocket socket, int status, String reason) {
            closed.complete(status + " " + reason);
            return null;
          }

          @Override
          public void onError(java.net.http.WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
          }
        }).get(10, TimeUnit.SECONDS);
    return closed.get(10, TimeUnit.SECONDS);
  }
}
