package dev.pbj.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Broker;
import dev.pbj.CallRejectedException;
import dev.pbj.Reconnect;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import dev.pbj.core.KeptConnection;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PBJ's meters against Micrometer's {@link SimpleMeterRegistry}, over real connections. */
class PbjMetricsTest {

  /** The server's root. */
  public static final class Root implements Referenceable {
    @Remote
    public String echo(String x) {
      return x;
    }

    @Remote
    public String fail() {
      throw new IllegalStateException("failed on purpose");
    }

    @Remote
    public byte[] blob(int size) {
      return new byte[size];
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  private static Timer timer(SimpleMeterRegistry registry, String direction, String method, String outcome) {
    return registry.find(PbjMetrics.CALLS).tags("direction", direction, "method", method, "outcome", outcome)
        .timer();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void callsConnectionsAndBytesAreMetered(String scheme) throws Exception {
    SimpleMeterRegistry serverMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();
    PbjMetrics server = PbjMetrics.of(serverMeters, Tags.of("side", "server"));
    PbjMetrics client = PbjMetrics.of(clientMeters);
    try (PbServer pbServer = PbServer.builder().root(new Root()).listen(scheme + "://127.0.0.1:0/pb")
            .interceptInbound(server.inbound())
            .interceptInbound((call, next) -> {
              if (call.method().equals("blob") && ((Number) call.arguments().get(0)).intValue() < 0) {
                throw new CallRejectedException("no negative blobs");
              }
              return next.proceed();
            })
            .onConnect(server::track).build().start();
        PbClient pbClient = PbClient.builder().interceptOutbound(client.outbound()).build()) {
      Broker broker = pbClient.connect(pbServer.uri(0)).get(10, TimeUnit.SECONDS);
      client.track(broker);
      RemoteReference root = broker.rootObject();
      for (int i = 0; i < 3; i++) {
        assertThat(root.callRemote("echo", "hi").get(10, TimeUnit.SECONDS)).isEqualTo("hi");
      }
      assertThatThrownBy(() -> root.callRemote("fail").get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
      assertThatThrownBy(() -> root.callRemote("blob", -1).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(CallRejectedException.class);
      root.callRemote("blob", 100_000).get(10, TimeUnit.SECONDS);

      Timer echo = timer(serverMeters, "inbound", "echo", "ok");
      assertThat(echo).isNotNull();
      assertThat(echo.getId().getTag("side")).isEqualTo("server");
      assertThat(echo.count()).isEqualTo(3);
      assertThat(echo.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      assertThat(echo.max(TimeUnit.NANOSECONDS)).isPositive().isLessThanOrEqualTo(echo.totalTime(TimeUnit.NANOSECONDS));
      assertThat(timer(serverMeters, "inbound", "fail", "error").count()).isEqualTo(1);
      assertThat(timer(serverMeters, "inbound", "blob", "rejected").count()).isEqualTo(1);
      assertThat(timer(clientMeters, "outbound", "echo", "ok").count()).isEqualTo(3);
      assertThat(timer(clientMeters, "outbound", "fail", "remote_error").count()).isEqualTo(1);
      assertThat(timer(clientMeters, "outbound", "blob", "rejected").count()).isEqualTo(1);

      await(() -> serverMeters.get(PbjMetrics.CONNECTIONS_OPEN).gauge().value() == 1, "the server counts 1 open");
      assertThat(serverMeters.get(PbjMetrics.CONNECTIONS_OPENED).counter().count()).isEqualTo(1);
      assertThat(serverMeters.get(PbjMetrics.BYTES_SENT).functionCounter().count()).isGreaterThan(100_000);
      assertThat(clientMeters.get(PbjMetrics.BYTES_RECEIVED).functionCounter().count()).isGreaterThan(100_000);
      assertThat(clientMeters.get(PbjMetrics.BYTES_SENT).functionCounter().count()).isPositive();
      assertThat(clientMeters.get(PbjMetrics.PENDING_CALLS).gauge().value()).isZero();
      assertThat(serverMeters.get(PbjMetrics.READ_PAUSES).functionCounter().count()).isZero();

      double sentBefore = serverMeters.get(PbjMetrics.BYTES_SENT).functionCounter().count();
      broker.close();
      broker.closeFuture().get(10, TimeUnit.SECONDS);
      await(() -> serverMeters.get(PbjMetrics.CONNECTIONS_OPEN).gauge().value() == 0, "the server counts 0 open");
      assertThat(serverMeters.get(PbjMetrics.BYTES_SENT).functionCounter().count())
          .as("a closed connection's bytes stay counted").isGreaterThanOrEqualTo(sentBefore);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp"})
  void reconnectsAreCounted(String scheme) throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    PbjMetrics metrics = PbjMetrics.of(meters);
    PbServer first = PbServer.builder().root(new Root()).listen(scheme + "://127.0.0.1:0").build().start();
    URI uri = first.uri(0);
    try (PbClient client = PbClient.builder().build();
        KeptConnection kept = client.keepConnected(uri, Reconnect.builder().initialDelay(Duration.ofMillis(20))
            .maxDelay(Duration.ofMillis(100)).build())) {
      metrics.track(kept);
      kept.awaitConnected(Duration.ofSeconds(10));
      await(() -> meters.get(PbjMetrics.CONNECTIONS_OPENED).counter().count() == 1, "the first connection");
      assertThat(meters.get(PbjMetrics.RECONNECTS).counter().count()).isZero();
      first.close();
      PbServer second = startOn(uri);
      try {
        await(() -> meters.get(PbjMetrics.RECONNECTS).counter().count() == 1, "one reconnect");
        assertThat(kept.root().callRemote("echo", "back").get(10, TimeUnit.SECONDS)).isEqualTo("back");
        assertThat(meters.get(PbjMetrics.CONNECTIONS_OPENED).counter().count()).isEqualTo(2);
      } finally {
        second.close();
      }
    }
  }

  /** A server on {@code uri}'s port again; the port was just freed, so a bind may need a moment. */
  private static PbServer startOn(URI uri) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return PbServer.builder().root(new Root()).listen(uri.toString()).build().start();
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }
}
