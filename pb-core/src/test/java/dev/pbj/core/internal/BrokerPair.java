package dev.pbj.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Broker;
import dev.pbj.BrokerStats;
import dev.pbj.Limits;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.core.CopyRegistry;
import dev.pbj.cred.Portal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A client and a server broker joined by an in-memory pipe, speaking banana; for broker tests. */
final class BrokerPair implements AutoCloseable {
  final MemoryLink clientLink;
  final MemoryLink serverLink;
  final BrokerImpl client;
  final BrokerImpl server;
  private final ExecutorService executor = Workers.newDefault("test-broker");

  private BrokerPair(SerializerProvider serializer, Object root, Limits limits, boolean unsafeTracebacks,
      boolean trickle, CopyRegistry copies, Portal portal) throws Exception {
    MemoryLink[] links = MemoryLink.pair();
    clientLink = links[0];
    serverLink = links[1];
    clientLink.trickle = trickle;
    serverLink.trickle = trickle;
    List<SerializerProvider> serializers = List.of(serializer);
    BrokerConfig serverConfig = new BrokerConfig(executor, limits, unsafeTracebacks, copies, broker -> root, portal,
        List.of(serializer.name()));
    BrokerConfig clientConfig = new BrokerConfig(executor, limits, false, copies, null, null, List.of(serializer.name()));
    CompletableFuture<Broker> serverReady = new CompletableFuture<>();
    CompletableFuture<Broker> clientReady = new CompletableFuture<>();
    Session serverSession = new Session(serverLink, true, serializers, serverConfig, serverReady);
    Session clientSession = new Session(clientLink, false, serializers, clientConfig, clientReady);
    clientLink.open(clientSession, clientSession::start);
    serverLink.open(serverSession, serverSession::start);
    client = (BrokerImpl) clientReady.get(10, TimeUnit.SECONDS);
    server = (BrokerImpl) serverReady.get(10, TimeUnit.SECONDS);
  }

  static BrokerPair open(SerializerProvider serializer, Object root) throws Exception {
    return new BrokerPair(serializer, root, Limits.defaults(), false, false, CopyRegistry.empty(), null);
  }

  /** A pair whose both sides know {@code copies}, and whose server logs peers in through {@code portal}. */
  static BrokerPair open(SerializerProvider serializer, Object root, CopyRegistry copies, Portal portal)
      throws Exception {
    return new BrokerPair(serializer, root, Limits.defaults(), false, false, copies, portal);
  }

  /** Every serializer on the test class path: the behaviour suites run once per serializer. */
  static List<org.junit.jupiter.api.Named<SerializerProvider>> serializers() {
    return dev.pbj.core.ProviderRegistry.getDefault().serializers().stream()
        .map(provider -> org.junit.jupiter.api.Named.of(provider.name(), provider)).toList();
  }

  static BrokerPair open(SerializerProvider serializer, Object root, Limits limits, boolean unsafeTracebacks,
      boolean trickle) throws Exception {
    return new BrokerPair(serializer, root, limits, unsafeTracebacks, trickle, CopyRegistry.empty(), null);
  }

  /** Waits (bounded) until {@code condition} holds. */
  static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }

  /** Both sides' tables back at rest: nothing exported, imported or pending. */
  void assertBaseline() throws InterruptedException {
    BrokerStats rest = BrokerStats.AT_REST;
    eventually(() -> client.stats().equals(rest) && server.stats().equals(rest));
  }

  @Override
  public void close() throws Exception {
    clientLink.close();
    client.closeFuture().get(10, TimeUnit.SECONDS);
    server.closeFuture().get(10, TimeUnit.SECONDS);
    executor.shutdown();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }
}
