package dev.pbj.core.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.ConnectionLostException;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.ShuttingDownException;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Graceful shutdown, server and client, over real transports: nothing new is taken, what is in flight finishes and
 * its answers arrive, and what is left at the end of the grace period fails with a typed cause.
 */
class ShutdownTest {

  /** Answers {@code slow} once the test lets it. */
  public static final class Gated implements Referenceable {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Remote
    public String slow() throws InterruptedException {
      started.countDown();
      return release.await(20, TimeUnit.SECONDS) ? "finished" : "gave up";
    }

    @Remote
    public String echo(String x) {
      return x;
    }
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    return assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .actual().getCause();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void aServerShuttingDownFinishesTheCallsInFlightAndRefusesNewOnes(String scheme) throws Exception {
    Gated root = new Gated();
    PbServer server = PbServer.builder().root(root).listen(scheme + "://127.0.0.1:0/pb").build().start();
    try (PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      CompletableFuture<Object> inFlight = broker.rootObject().callRemote("slow");
      assertThat(root.started.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Void> terminated = server.shutdown(Duration.ofSeconds(20));
      assertThat(failureOf(broker.rootObject().callRemote("echo", "late"))).isInstanceOf(ShuttingDownException.class)
          .hasMessageContaining("did not run");
      assertThat(failureOf(client.connect(server.uri(0)))).isNotNull(); // no longer accepting
      assertThat(terminated).isNotDone();

      root.release.countDown();
      assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("finished");
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
      broker.closeFuture().get(10, TimeUnit.SECONDS);
    } finally {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void whatIsLeftAtTheEndOfTheGraceFailsAsLost(String scheme) throws Exception {
    Gated root = new Gated();
    PbServer server = PbServer.builder().root(root).listen(scheme + "://127.0.0.1:0/pb").build().start();
    try (PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      CompletableFuture<Object> stuck = broker.rootObject().callRemote("slow");
      assertThat(root.started.await(10, TimeUnit.SECONDS)).isTrue();
      server.shutdown(Duration.ofMillis(300));
      assertThat(failureOf(stuck)).isInstanceOf(ConnectionLostException.class);
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
      assertThat(server.connections()).isEmpty();
    } finally {
      root.release.countDown();
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void aClientShuttingDownWaitsForItsAnswersAndMakesNoNewCalls(String scheme) throws Exception {
    Gated root = new Gated();
    try (PbServer server = PbServer.builder().root(root).listen(scheme + "://127.0.0.1:0/pb").build().start()) {
      PbClient client = PbClient.builder().build();
      Broker broker = client.connect(server.uri(0)).get(10, TimeUnit.SECONDS);
      CompletableFuture<Object> inFlight = broker.rootObject().callRemote("slow");
      assertThat(root.started.await(10, TimeUnit.SECONDS)).isTrue();

      client.shutdown(Duration.ofSeconds(20));
      assertThat(failureOf(broker.rootObject().callRemote("echo", "late"))).isInstanceOf(ShuttingDownException.class);
      assertThat(failureOf(client.connect(server.uri(0)))).isInstanceOf(IllegalStateException.class);
      assertThat(client.awaitTermination(Duration.ofMillis(100))).isFalse();

      root.release.countDown();
      assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("finished");
      assertThat(client.awaitTermination(Duration.ofSeconds(10))).isTrue();
      assertThat(broker.isConnected()).isFalse();
    }
  }
}
