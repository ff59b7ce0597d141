package dev.pbj.bench.e2e;

import dev.pbj.Broker;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteReference;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PBJ server and client in this JVM, talking over loopback with one transport and one serializer, with as many
 * connections as asked. Closing closes both.
 */
public final class PbjFixture implements AutoCloseable {
  /** How long setup steps may take. */
  private static final long SETUP_SECONDS = 30;

  private final PbServer server;
  private final PbClient client;
  private final List<Broker> brokers = new ArrayList<>();
  private final BenchRoot root = new BenchRoot();
  private volatile Round round;

  /**
   * @param transport {@code tcp} or {@code ws}, or either with TLS: {@code tls} or {@code wss} (a throwaway
   *     self-signed certificate, see {@link SelfSignedTls}; the client checks it and the server's name)
   * @param serializer {@code banana} or {@code msgpack}, the only one either side offers
   * @param handoff {@code pool}: PBJ's defaults (methods and completions on executors); {@code direct}: futures
   *     complete on the I/O thread and the server runs {@code echoDirect}, a non-blocking method, on it
   */
  public static PbjFixture start(String transport, String serializer, String handoff, int connections) {
    return new PbjFixture(transport, serializer, handoff, connections, "none");
  }

  /**
   * @param interceptors {@code none}, or {@code passthrough}: one interceptor that only proceeds, inbound on the
   *     server and outbound on the client, the floor of what any interceptor costs
   */
  public static PbjFixture start(String transport, String serializer, String handoff, int connections,
      String interceptors) {
    return new PbjFixture(transport, serializer, handoff, connections, interceptors);
  }

  private PbjFixture(String transport, String serializer, String handoff, int connections, String interceptors) {
    String listen = switch (transport) {
      case "tcp" -> "tcp://127.0.0.1:0";
      case "ws" -> "ws://127.0.0.1:0/pb";
      case "tls" -> "tls://127.0.0.1:0";
      case "wss" -> "wss://127.0.0.1:0/pb";
      default -> throw new IllegalArgumentException("unknown transport " + transport);
    };
    boolean secure = transport.equals("tls") || transport.equals("wss");
    CopyRegistry copies = CopyRegistry.builder().registerCache(BenchRoot.ROOM_TYPE, () -> new RoomCache(this))
        .build();
    PbClient.Builder clientBuilder = PbClient.builder().serializers(serializer).copies(copies);
    switch (handoff) {
      case "pool" -> { }
      case "direct" -> clientBuilder.executor(Runnable::run);
      default -> throw new IllegalArgumentException("unknown handoff " + handoff);
    }
    PbServer.Builder serverBuilder = PbServer.builder().root(root).serializers(serializer).listen(listen);
    switch (interceptors) {
      case "none" -> { }
      case "passthrough" -> {
        serverBuilder.interceptInbound((call, next) -> next.proceed());
        clientBuilder.interceptOutbound((call, next) -> next.proceed());
      }
      default -> throw new IllegalArgumentException("unknown interceptors " + interceptors);
    }
    if (secure) {
      serverBuilder.tls(SelfSignedTls.options());
      clientBuilder.tls(SelfSignedTls.options());
    }
    PbServer started = serverBuilder.build().start();
    PbClient made = null;
    try {
      made = clientBuilder.build();
      for (int i = 0; i < connections; i++) {
        Broker broker = made.connect(started.uri(0)).get(SETUP_SECONDS, TimeUnit.SECONDS);
        if (!serializer.equals(broker.serializer())) {
          throw new IllegalStateException("asked for " + serializer + ", connected with " + broker.serializer());
        }
        brokers.add(broker);
      }
    } catch (Exception e) {
      if (made != null) {
        made.close();
      }
      started.close();
      throw new IllegalStateException("cannot connect " + transport + "/" + serializer + ": " + e, e);
    }
    this.server = started;
    this.client = made;
  }

  /** The server's root as seen by connection {@code index}. */
  public RemoteReference root(int index) {
    return brokers.get(index).rootObject();
  }

  public int connections() {
    return brokers.size();
  }

  /** Makes every connection observe the server's room; returns the caches (close them to stop observing). */
  public List<RoomCache> observeRoom() throws Exception {
    List<CompletableFuture<RoomCache>> asked = new ArrayList<>();
    for (Broker broker : brokers) {
      asked.add(broker.rootObject().callRemote(RoomCache.class, "room"));
    }
    List<RoomCache> caches = new ArrayList<>();
    for (CompletableFuture<RoomCache> cache : asked) {
      caches.add(cache.get(SETUP_SECONDS, TimeUnit.SECONDS));
    }
    return caches;
  }

  /**
   * Says something in the room through connection 0 and completes once the server answered and every one of
   * {@code observers} caches has been told.
   */
  public CompletableFuture<Void> sayToAll(int observers) {
    return sayToAll(observers, "say");
  }

  /**
   * As {@link #sayToAll(int)}, through the root's {@code method}: {@code say} (a call of its own to each observer)
   * or {@code sayOnce} (one update to all, its text encoded once per serializer).
   */
  public CompletableFuture<Void> sayToAll(int observers, String method) {
    Round next = new Round(observers);
    round = next;
    CompletableFuture<Object> said = root(0).callRemote(method, "hello");
    return CompletableFuture.allOf(said, next.done);
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      server.close();
    }
  }

  private void delivered() {
    Round current = round;
    if (current != null) {
      current.arrived();
    }
  }

  /** One fan-out: done when every observer was told. */
  private static final class Round {
    final AtomicInteger remaining;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Round(int observers) {
      remaining = new AtomicInteger(observers);
    }

    void arrived() {
      if (remaining.decrementAndGet() == 0) {
        done.complete(null);
      }
    }
  }

  /** A connection's replica of the room: counts what it is told. */
  public static final class RoomCache extends RemoteCache {
    private final PbjFixture fixture;

    RoomCache(PbjFixture fixture) {
      this.fixture = fixture;
    }

    @Override
    public void setCopyableState(Object state) {}

    @dev.pbj.Remote
    public void said(String text) {
      fixture.delivered();
    }
  }
}
