package dev.pbj.core;

import dev.pbj.Broker;
import dev.pbj.CallInterceptor;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.Reconnect;
import dev.pbj.Referenceable;
import dev.pbj.TlsOptions;
import dev.pbj.core.internal.calls.Interceptors;
import dev.pbj.core.internal.endpoint.BrokerConfig;
import dev.pbj.core.internal.endpoint.ConnectionAcceptor;
import dev.pbj.core.internal.endpoint.ConnectionSet;
import dev.pbj.core.internal.endpoint.Workers;
import dev.pbj.core.internal.reconnect.Reconnector;
import dev.pbj.spi.SerializerProvider;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
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
 * One client may hold many connections and shares its executor among them; {@link #keepConnected} keeps one to a
 * URI, reconnecting when it is lost. Closing the client closes them all.
 * Thread-safe.
 */
public final class PbClient implements AutoCloseable {
  private final ProviderRegistry registry;
  private final List<SerializerProvider> serializers;
  private final BrokerConfig config;
  private final ExecutorService ownedExecutor;
  /** For tls:// and wss:// connections; null: the transports' own configuration. */
  private final TlsOptions tls;
  /** Runs the connections' contexts; always this object's own. */
  private final ExecutorService connectionPool = Workers.newConnectionPool("pbj-client");
  private final ConnectionSet connections;
  /** The connections kept by {@link #keepConnected}, until they give up or close; guarded by itself. */
  private final Set<Reconnector> kept = new LinkedHashSet<>();
  /** Set once closing or shutting down: no connection is kept any more; guarded by {@link #kept}. */
  private boolean keptRefused;

  private PbClient(Builder b) {
    this.registry = b.registry != null ? b.registry : ProviderRegistry.getDefault();
    this.tls = b.tls;
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
        names, b.defaultDeadline, b.keepalive, new Interceptors(b.inbound, b.outbound));
    List<ExecutorService> pools = new ArrayList<>(List.of(connectionPool));
    if (ownedExecutor != null) {
      pools.add(ownedExecutor);
    }
    this.connections = new ConnectionSet("client", pools);
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
    return connect(uri, null);
  }

  /**
   * As {@link #connect(URI)}, from the local address {@code from} (the connection's source address; null: the
   * system's choice). Many connections to one server need several source addresses once they outnumber one
   * address's ephemeral ports: {@code 127.0.0.2}, {@code 127.0.0.3} … all reach a server on {@code 127.0.0.1}. Over
   * a transport that cannot bind one (WebSocket on Java 17's HTTP client) the future fails with
   * {@link UnsupportedOperationException}.
   */
  public CompletableFuture<Broker> connect(URI uri, InetAddress from) {
    if (!connections.isOpen()) {
      return CompletableFuture.failedFuture(new IllegalStateException(connections.refusal()));
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
    transport.connect(uri, new ConnectionAcceptor(false, serializers, config, tls, () -> ready).localAddress(from))
        .whenComplete((link, error) -> {
          if (error != null) {
            ready.completeExceptionally(error);
          }
        });
    return ready.thenApply(this::track);
  }

  /** Keeps a connection to {@code uri}, e.g. {@code tcp://127.0.0.1:8789}: {@link #keepConnected(URI, Reconnect)}. */
  public KeptConnection keepConnected(String uri, Reconnect options) {
    return keepConnected(URI.create(uri), options);
  }

  /**
   * Keeps a connection to {@code uri}: connects now, and again whenever the connection is lost, with the backoff,
   * login and behaviour while disconnected of {@code options} (see {@link KeptConnection}). Returns at once; the first
   * attempt is under way.
   *
   * @throws IllegalArgumentException if {@code uri} has no scheme
   * @throws dev.pbj.ProviderNotFoundException if no transport serves its scheme
   * @throws IllegalStateException if this client is closed or shutting down
   */
  public KeptConnection keepConnected(URI uri, Reconnect options) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(options, "options");
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("URI needs a scheme, e.g. tcp://127.0.0.1:8789: " + uri);
    }
    registry.transport(uri.getScheme()); // a scheme no transport serves would never connect: say so now
    Reconnector reconnector = new Reconnector(uri, options, this::connect, config.executor(),
        config.defaultDeadline(), this::forget);
    synchronized (kept) {
      if (keptRefused || !connections.isOpen()) {
        throw new IllegalStateException(connections.isOpen() ? "client is closing" : connections.refusal());
      }
      kept.add(reconnector);
    }
    reconnector.start();
    return new KeptConnection(reconnector);
  }

  private void forget(Reconnector reconnector) {
    synchronized (kept) {
      kept.remove(reconnector);
    }
  }

  /** Refuses new kept connections and answers those kept now. */
  private List<Reconnector> refuseKept() {
    synchronized (kept) {
      keptRefused = true;
      return new ArrayList<>(kept);
    }
  }

  private Broker track(Broker broker) {
    if (!connections.add(broker)) {
      throw new IllegalStateException(connections.refusal() + " (while connecting)");
    }
    return broker;
  }

  /**
   * Shuts down gracefully: new connections and calls fail at once ({@link dev.pbj.ShuttingDownException}), the
   * server's new calls to this side's objects are refused, and the calls in flight either way may finish; once none
   * is left or {@code grace} has passed, every connection closes (calls still pending fail with
   * {@link dev.pbj.ConnectionLostException}). Kept connections stop reconnecting and close with theirs. Returns at
   * once; the future completes when the client has terminated. Idempotent.
   */
  public CompletableFuture<Void> shutdown(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    refuseKept().forEach(Reconnector::stop); // no new attempt; their connections drain with the others
    return connections.shutdown(grace, true, () -> {}, () -> {});
  }

  /** Waits until the client has terminated (closed, or shut down and closed); true if it has. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return connections.awaitTermination(timeout);
  }

  /** Closes every connection of this client now, kept ones included, calls in flight or not; idempotent. */
  @Override
  public void close() {
    refuseKept().forEach(Reconnector::close); // before their connections close: no attempt to replace them
    connections.close(null, () -> {});
  }

  /** Configures a {@link PbClient}. */
  public static final class Builder {
    private final List<String> serializers = new ArrayList<>();
    private Limits limits = Limits.defaults();
    private Duration defaultDeadline;
    private Keepalive keepalive = Keepalive.defaults();
    private final List<CallInterceptor> inbound = new ArrayList<>();
    private final List<CallInterceptor> outbound = new ArrayList<>();
    private TlsOptions tls;
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

    /**
     * The deadline of each call this side makes through a reference that has none of its own
     * ({@link dev.pbj.RemoteReference#withDeadline}); default: none.
     */
    public Builder defaultDeadline(Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("deadline must be positive: " + timeout);
      }
      this.defaultDeadline = timeout;
      return this;
    }

    /**
     * Adds an interceptor around the calls the server makes to this side's objects; interceptors run in the order added,
     * the first outermost (see {@link CallInterceptor}).
     */
    public Builder interceptInbound(CallInterceptor interceptor) {
      inbound.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Adds an interceptor around the calls this side makes to the server's objects (callbacks, observers' caches
     * included); in the order added, the first outermost.
     */
    public Builder interceptOutbound(CallInterceptor interceptor) {
      outbound.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Dead-peer detection on TCP connections; default {@link Keepalive#defaults()}. */
    public Builder keepalive(Keepalive keepalive) {
      this.keepalive = Objects.requireNonNull(keepalive, "keepalive");
      return this;
    }

    /**
     * TLS for {@code tls://} and {@code wss://} connections: the CAs trusted to sign the server's certificate
     * (whose name is checked against the URI's host), and for mutual TLS this client's certificate and key. Plain
     * {@code tcp://} and {@code ws://} connections ignore it. Default: the transport's own, else the JDK's CAs.
     */
    public Builder tls(TlsOptions tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
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
