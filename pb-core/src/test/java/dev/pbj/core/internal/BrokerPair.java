package dev.pbj.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.Broker;
import dev.pbj.BrokerStats;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.Referenceable;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.core.ProviderRegistry;
import dev.pbj.core.internal.connection.BrokerImpl;
import dev.pbj.core.internal.connection.Connection;
import dev.pbj.core.internal.endpoint.BrokerConfig;
import dev.pbj.core.internal.endpoint.Workers;
import dev.pbj.cred.Portal;
import dev.pbj.spi.SerializerProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A client and a server broker joined by one connection, for the behaviour suites: over an in-memory pipe, or over
 * a real transport on loopback. The suites run once per {@link Setup}: every transport × serializer on the test
 * class path, so a new module is tested by adding it, not by copying tests.
 */
public final class BrokerPair implements AutoCloseable {
  /** The in-memory pipe, which is not a transport module. */
  static final String MEMORY = "memory";

  /** One transport × serializer combination. */
  public record Setup(String transport, SerializerProvider serializer) {
    public boolean inMemory() {
      return transport.equals(MEMORY);
    }

    @Override
    public String toString() {
      return transport + "/" + serializer.name();
    }
  }

  /** Every combination available to the tests. */
  static List<Setup> setups() {
    ProviderRegistry registry = ProviderRegistry.getDefault();
    List<String> transports = new ArrayList<>(List.of(MEMORY));
    registry.transports().forEach(t -> t.schemes().forEach(transports::add)); // wss, tls with TestTls's certificate
    List<Setup> setups = new ArrayList<>();
    for (String transport : transports) {
      for (SerializerProvider serializer : registry.serializers()) {
        setups.add(new Setup(transport, serializer));
      }
    }
    return setups;
  }

  /** The providers a real-transport setup uses: for wss and tls, transports that trust the test's certificate. */
  public static ProviderRegistry registry(Setup setup) throws Exception {
    return setup.transport().equals("wss") || setup.transport().equals("tls") ? TestTls.registry()
        : ProviderRegistry.getDefault();
  }

  public final BrokerImpl client;
  public final BrokerImpl server;
  /** The pipe's ends; null over a real transport. */
  final MemoryLink clientLink;
  final MemoryLink serverLink;
  private final List<AutoCloseable> resources = new ArrayList<>();

  private BrokerPair(Setup setup, Object root, Limits limits, boolean unsafeTracebacks, boolean trickle,
      CopyRegistry copies, Portal portal) throws Exception {
    if (setup.inMemory()) {
      MemoryLink[] links = MemoryLink.pair();
      clientLink = links[0];
      serverLink = links[1];
      clientLink.trickle = trickle;
      serverLink.trickle = trickle;
      ExecutorService executor = Workers.newDefault("test-broker");
      ExecutorService connections = Workers.newConnectionPool("test-broker");
      resources.add(() -> {
        executor.shutdown();
        connections.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(connections.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      });
      List<SerializerProvider> serializers = List.of(setup.serializer());
      List<String> names = List.of(setup.serializer().name());
      BrokerConfig serverConfig = new BrokerConfig(executor, connections, limits, unsafeTracebacks, copies,
          broker -> root, portal, names, null, Keepalive.disabled());
      BrokerConfig clientConfig = new BrokerConfig(executor, connections, limits, false, copies, null, null, names,
          null, Keepalive.disabled());
      CompletableFuture<Broker> serverReady = new CompletableFuture<>();
      CompletableFuture<Broker> clientReady = new CompletableFuture<>();
      Connection serverConnection = new Connection(serverLink, true, serializers, serverConfig, serverReady);
      Connection clientConnection = new Connection(clientLink, false, serializers, clientConfig, clientReady);
      clientLink.open(clientConnection, clientConnection::start);
      serverLink.open(serverConnection, serverConnection::start);
      client = (BrokerImpl) clientReady.get(10, TimeUnit.SECONDS);
      server = (BrokerImpl) serverReady.get(10, TimeUnit.SECONDS);
      return;
    }
    if (trickle) {
      throw new IllegalArgumentException("trickling needs the in-memory pipe");
    }
    clientLink = null;
    serverLink = null;
    CompletableFuture<Broker> serverSide = new CompletableFuture<>();
    ProviderRegistry registry = registry(setup);
    PbServer.Builder builder = PbServer.builder().registry(registry).rootFactory(broker -> (Referenceable) root)
        .limits(limits)
        .unsafeTracebacks(unsafeTracebacks).copies(copies).serializers(setup.serializer().name())
        .onConnect(serverSide::complete).listen(setup.transport() + "://127.0.0.1:0/pb");
    if (portal != null) {
      builder.portal(portal);
    }
    PbServer pbServer = builder.build().start();
    resources.add(pbServer);
    PbClient pbClient = PbClient.builder().registry(registry).limits(limits).copies(copies)
        .serializers(setup.serializer().name())
        .build();
    resources.add(0, pbClient);
    try {
      client = (BrokerImpl) pbClient.connect(pbServer.uri(0)).get(10, TimeUnit.SECONDS);
      server = (BrokerImpl) serverSide.get(10, TimeUnit.SECONDS);
    } catch (Exception | Error e) {
      // no close() follows a constructor that throws: the server, the client and their threads go now, and do not
      // slow down the tests running beside this one
      for (AutoCloseable resource : resources) {
        try {
          resource.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  public static BrokerPair open(Setup setup, Object root) throws Exception {
    return new BrokerPair(setup, root, Limits.defaults(), false, false, CopyRegistry.empty(), null);
  }

  /** A pair whose both sides know {@code copies}, and whose server logs peers in through {@code portal}. */
  public static BrokerPair open(Setup setup, Object root, CopyRegistry copies, Portal portal) throws Exception {
    return new BrokerPair(setup, root, Limits.defaults(), false, false, copies, portal);
  }

  public static BrokerPair open(Setup setup, Object root, Limits limits, boolean unsafeTracebacks, boolean trickle)
      throws Exception {
    return new BrokerPair(setup, root, limits, unsafeTracebacks, trickle, CopyRegistry.empty(), null);
  }

  /** Waits (bounded) until {@code condition} holds. */
  public static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }

  /** Both sides' tables back at rest: nothing exported, imported or pending. */
  public void assertBaseline() throws InterruptedException {
    // a handle a method dropped without closing is released by the collector, which is a release like close()
    eventually(() -> {
      boolean rest = client.stats().equals(BrokerStats.AT_REST) && server.stats().equals(BrokerStats.AT_REST);
      if (!rest) {
        System.gc();
      }
      return rest;
    });
  }

  /**
   * Checks that both sides' tables are at rest (every test is to leave them so), then closes the pair, whatever the
   * check found.
   */
  @Override
  public void close() throws Exception {
    try {
      assertBaseline();
    } finally {
      closeWithoutCheck();
    }
  }

  /** Closes the pair whatever its tables hold: for tests of what a dropped connection releases. */
  public void drop() throws Exception {
    closeWithoutCheck();
  }

  private void closeWithoutCheck() throws Exception {
    client.close();
    client.closeFuture().get(10, TimeUnit.SECONDS);
    server.closeFuture().get(10, TimeUnit.SECONDS);
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }
}
