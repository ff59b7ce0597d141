package dev.pbj.core;

import dev.pbj.Broker;
import dev.pbj.Limits;
import dev.pbj.Referenceable;
import dev.pbj.core.internal.BrokerConfig;
import dev.pbj.core.internal.Connection;
import dev.pbj.core.internal.Workers;
import dev.pbj.spi.SerializerProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Opens PB connections (Twisted's {@code PBClientFactory}):
 *
 * <pre>{@code
 * try (PbClient client = PbClient.builder().build()) {
 *   Broker broker = client.connect("tcp://127.0.0.1:8789").get(10, SECONDS);
 *   Object answer = broker.rootObject().callRemote("echo", "hi").get(10, SECONDS);
 * }
 * }</pre>
 *
 * One client may hold many connections and shares its executor among them. Closing it closes them all.
 * Thread-safe.
 */
public final class PbClient implements AutoCloseable {
  private final ProviderRegistry registry;
  private final List<SerializerProvider> serializers;
  private final BrokerConfig config;
  private final ExecutorService ownedExecutor;
  /** Runs the connections' contexts; always this object's own. */
  private final ExecutorService connectionPool = Workers.newConnectionPool("pbj-client");
  private final List<Broker> brokers = new ArrayList<>();
  private boolean closed;

  private PbClient(Builder b) {
    this.registry = b.registry != null ? b.registry : ProviderRegistry.getDefault();
    this.ownedExecutor = b.executor == null ? Workers.newDefault("pbj-client") : null;
    Executor executor = b.executor != null ? b.executor : ownedExecutor;
    List<String> names = b.serializers.isEmpty()
        ? registry.serializers().stream().map(SerializerProvider::name).distinct().toList()
        : List.copyOf(b.serializers);
    if (names.isEmpty()) {
      throw new dev.pbj.ProviderNotFoundException("no serializer on the class path; add dev.pbj:pb-serial-banana "
          + "(Twisted's format, needed to talk to Twisted) and/or dev.pbj:pb-serial-msgpack");
    }
    this.serializers = names.stream().map(registry::serializer).toList();
    this.config = new BrokerConfig(executor, connectionPool, b.limits, b.unsafeTracebacks, b.copies, b.root, null,
        names);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Connects to {@code uri}, e.g. {@code tcp://127.0.0.1:8789}; see {@link #connect(URI)}. */
  public CompletableFuture<Broker> connect(String uri) {
    try {
      return connect(URI.create(uri));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Connects and negotiates the dialect. The future completes with the connection's broker, whose
   * {@link Broker#rootObject()} is the server's root, or fails with the connection error
   * ({@link java.net.ConnectException} when refused, {@link dev.pbj.ProviderNotFoundException} for a scheme no
   * transport serves). Never throws.
   */
  public CompletableFuture<Broker> connect(URI uri) {
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("client is closed"));
      }
    }
    if (uri.getScheme() == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "URI needs a scheme, e.g. tcp://127.0.0.1:8789: " + uri));
    }
    dev.pbj.spi.TransportProvider transport;
    try {
      transport = registry.transport(uri.getScheme());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Broker> ready = new CompletableFuture<>();
    transport.connect(uri, new dev.pbj.spi.LinkAcceptor() {
      @Override
      public dev.pbj.spi.LinkHandler accept(dev.pbj.spi.Link link) {
        Connection connection = new Connection(link, false, serializers, config, ready);
        connection.start();
        return connection;
      }

      @Override
      public List<String> serializers() {
        return config.serializers();
      }

      @Override
      public Limits limits() {
        return config.limits();
      }
    }).whenComplete((link, error) -> {
      if (error != null) {
        ready.completeExceptionally(error);
      }
    });
    return ready.thenApply(this::track);
  }

  private Broker track(Broker broker) {
    boolean refuse;
    synchronized (this) {
      refuse = closed;
      if (!refuse) {
        brokers.add(broker);
      }
    }
    if (refuse) {
      broker.close();
      throw new IllegalStateException("client closed while connecting");
    }
    broker.closeFuture().whenComplete((v, e) -> {
      synchronized (this) {
        brokers.remove(broker);
      }
    });
    return broker;
  }

  /** Closes every connection of this client; idempotent. */
  @Override
  public void close() {
    List<Broker> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(brokers);
    }
    for (Broker broker : open) {
      broker.close();
    }
    CompletableFuture.allOf(open.stream().map(Broker::closeFuture).toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
    connectionPool.shutdown();
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  /** Configures a {@link PbClient}. */
  public static final class Builder {
    private final List<String> serializers = new ArrayList<>();
    private Limits limits = Limits.defaults();
    private Executor executor;
    private boolean unsafeTracebacks;
    private ProviderRegistry registry;
    private CopyRegistry copies = CopyRegistry.empty();
    private Function<Broker, ?> root;

    private Builder() {}

    /** The types received copies and caches may become, and the names copies are sent under. */
    public Builder copies(CopyRegistry copies) {
      this.copies = Objects.requireNonNull(copies, "copies");
      return this;
    }

    /** An object this client serves to the server under the name {@code "root"} (PB is symmetric). */
    public Builder root(Referenceable root) {
      Objects.requireNonNull(root, "root");
      this.root = broker -> root;
      return this;
    }

    /**
     * The serializers this client accepts, preferred first (the server's order decides among them, as in
     * Twisted); default: every one on the class path. Naming one requires it: a server without it is refused.
     */
    public Builder serializers(String... names) {
      serializers.clear();
      serializers.addAll(List.of(names));
      return this;
    }

    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Where answers complete and remote methods of this side's objects run; default: a pool the client owns. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Whether failures sent to the server carry the Java stack trace. */
    public Builder unsafeTracebacks(boolean send) {
      this.unsafeTracebacks = send;
      return this;
    }

    public Builder registry(ProviderRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public PbClient build() {
      return new PbClient(this);
    }
  }
}
