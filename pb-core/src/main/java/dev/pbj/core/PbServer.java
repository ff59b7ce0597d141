package dev.pbj.core;

import dev.pbj.Broker;
import dev.pbj.CallInterceptor;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.Referenceable;
import dev.pbj.TlsOptions;
import dev.pbj.TrustedProxies;
import dev.pbj.core.internal.calls.Interceptors;
import dev.pbj.core.internal.endpoint.BrokerConfig;
import dev.pbj.core.internal.endpoint.ConnectionAcceptor;
import dev.pbj.core.internal.endpoint.ConnectionSet;
import dev.pbj.core.internal.endpoint.Workers;
import dev.pbj.cred.Portal;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.spi.TransportServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Serves a root object over one or more listeners (Twisted's {@code PBServerFactory}):
 *
 * <pre>{@code
 * try (PbServer server = PbServer.builder().root(new Echo()).listen("tcp://127.0.0.1:8789").build().start()) {
 *   ...
 * }
 * }</pre>
 *
 * Each accepted connection gets its own {@link Broker}; the root is served to it under the name {@code "root"}.
 * Closing stops the listeners and closes every connection. Thread-safe.
 */
public final class PbServer implements AutoCloseable {
  private final List<URI> listenUris;
  private final BrokerConfig config;
  private final ProviderRegistry registry;
  private final List<SerializerProvider> serializers;
  private final ExecutorService ownedExecutor;
  /** Runs the connections' contexts; always this object's own. */
  private final ExecutorService connectionPool = Workers.newConnectionPool("pbj-server");
  private final Consumer<Broker> onConnect;
  /** For tls:// and wss:// listeners; null: the transports' own configuration. */
  private final TlsOptions tls;
  private final TrustedProxies proxyProtocol;
  private final TrustedProxies trustedProxies;
  private final List<TransportServer> listeners = new ArrayList<>();
  private final ConnectionSet connections;

  private PbServer(Builder b) {
    this.listenUris = List.copyOf(b.listen);
    this.registry = b.registry != null ? b.registry : ProviderRegistry.getDefault();
    this.ownedExecutor = b.executor == null ? Workers.newDefault("pbj-server") : null;
    Executor executor = b.executor != null ? b.executor : ownedExecutor;
    List<String> names = b.serializers.isEmpty()
        ? registry.serializers().stream().map(SerializerProvider::name).distinct().toList()
        : List.copyOf(b.serializers);
    if (names.isEmpty()) {
      throw new dev.pbj.ProviderNotFoundException("no serializer on the class path; add dev.pbj:pb-serial-banana "
          + "(Twisted's format, needed to talk to Twisted) and/or dev.pbj:pb-serial-msgpack");
    }
    this.serializers = names.stream().map(registry::serializer).toList();
    this.config = new BrokerConfig(executor, connectionPool, b.limits, b.unsafeTracebacks, b.copies, b.root,
        b.portal, names, b.defaultDeadline, b.keepalive, new Interceptors(b.inbound, b.outbound));
    this.onConnect = b.onConnect;
    this.tls = b.tls;
    this.proxyProtocol = b.proxyProtocol;
    this.trustedProxies = b.trustedProxies;
    List<ExecutorService> pools = new ArrayList<>(List.of(connectionPool));
    if (ownedExecutor != null) {
      pools.add(ownedExecutor);
    }
    this.connections = new ConnectionSet("server", pools);
    for (URI uri : listenUris) {
      registry.transport(uri.getScheme()); // fail at build, naming the module, rather than half-started
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds every listener; returns once all are listening, or throws (and closes those opened). */
  public PbServer start() {
    for (URI uri : listenUris) {
      try {
        TransportServer listener = registry.transport(uri.getScheme()).listen(uri, acceptor())
            .get(30, TimeUnit.SECONDS);
        synchronized (this) {
          listeners.add(listener);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("interrupted while binding " + uri, e);
      } catch (ExecutionException | TimeoutException e) {
        close();
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw new IllegalStateException("cannot listen on " + uri + ": " + cause, cause);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }
    return this;
  }

  private LinkAcceptor acceptor() {
    return new ConnectionAcceptor(true, serializers, config, tls, () -> {
      CompletableFuture<Broker> ready = new CompletableFuture<>();
      ready.thenAccept(this::connected);
      return ready;
    }).proxyProtocol(proxyProtocol).trustedProxies(trustedProxies);
  }

  private void connected(Broker broker) {
    if (connections.add(broker) && onConnect != null) {
      onConnect.accept(broker);
    }
  }

  /** The addresses actually bound, in the order the listeners were given. */
  public synchronized List<InetSocketAddress> addresses() {
    return listeners.stream().map(TransportServer::localAddress).toList();
  }

  /** The URI clients use to reach listener {@code index}, with the real port. */
  public synchronized URI uri(int index) {
    URI asked = listenUris.get(index);
    InetSocketAddress bound = listeners.get(index).localAddress();
    String host = bound.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create(asked.getScheme() + "://" + host + ":" + bound.getPort()
        + (asked.getRawPath() == null ? "" : asked.getRawPath()));
  }

  /** The connections open now. */
  public List<Broker> connections() {
    return connections.connections();
  }

  /**
   * Shuts down gracefully: stops accepting, refuses new calls ({@link dev.pbj.ShuttingDownException}, which tells
   * the caller the call did not run), lets the calls in flight finish and their answers reach the peers, then, once
   * none is left or {@code grace} has passed, closes every connection (calls still pending fail with
   * {@link dev.pbj.ConnectionLostException} caused by a {@code ShuttingDownException}). Returns at once; the future
   * completes when the server has terminated (see {@link #awaitTermination}). Idempotent.
   */
  public CompletableFuture<Void> shutdown(Duration grace) {
    return connections.shutdown(grace, false, () -> listeners().forEach(TransportServer::stopAccepting),
        this::closeListeners);
  }

  /** Waits until the server has terminated (closed, or shut down and closed); true if it has. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return connections.awaitTermination(timeout);
  }

  /** Stops listening and closes every connection now, calls in flight or not; idempotent. */
  @Override
  public void close() {
    connections.close(null, this::closeListeners);
  }

  private synchronized List<TransportServer> listeners() {
    return new ArrayList<>(listeners);
  }

  private void closeListeners() {
    listeners().forEach(TransportServer::close);
  }

  /** Configures a {@link PbServer}. */
  public static final class Builder {
    private final List<URI> listen = new ArrayList<>();
    private final List<String> serializers = new ArrayList<>();
    private Function<Broker, ?> root;
    private Limits limits = Limits.defaults();
    private Duration defaultDeadline;
    private Keepalive keepalive = Keepalive.defaults();
    private final List<CallInterceptor> inbound = new ArrayList<>();
    private final List<CallInterceptor> outbound = new ArrayList<>();
    private TlsOptions tls;
    private TrustedProxies proxyProtocol;
    private TrustedProxies trustedProxies;
    private Executor executor;
    private boolean unsafeTracebacks;
    private ProviderRegistry registry;
    private Consumer<Broker> onConnect;
    private CopyRegistry copies = CopyRegistry.empty();
    private Portal portal;

    private Builder() {}

    /** The types received copies and caches may become, and the names copies are sent under. */
    public Builder copies(CopyRegistry copies) {
      this.copies = Objects.requireNonNull(copies, "copies");
      return this;
    }

    /**
     * Lets peers log in (Twisted's {@code PBServerFactory(portal)}): the root then also answers {@code login} and
     * {@code loginAnonymous}, and everything else goes to the root given by {@link #root}, if any.
     */
    public Builder portal(Portal portal) {
      this.portal = Objects.requireNonNull(portal, "portal");
      return this;
    }

    /** Serves {@code root} to every connection (Twisted's {@code pb.Root}). */
    public Builder root(Referenceable root) {
      Objects.requireNonNull(root, "root");
      this.root = broker -> root;
      return this;
    }

    /** Serves a root made for each connection (Twisted's {@code rootObject(broker)}). */
    public Builder rootFactory(Function<Broker, ? extends Referenceable> factory) {
      this.root = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Adds a listener, e.g. {@code tcp://127.0.0.1:8789} (port 0: any free port). */
    public Builder listen(String uri) {
      return listen(URI.create(uri));
    }

    /** Adds a listener; see {@link #listen(String)}. */
    public Builder listen(URI uri) {
      if (uri.getScheme() == null) {
        throw new IllegalArgumentException("listener URI needs a scheme, e.g. tcp://127.0.0.1:8789: " + uri);
      }
      listen.add(uri);
      return this;
    }

    /** The serializers offered, preferred first; default: every one on the class path. */
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
     * Adds an interceptor around the calls clients make to this side's objects; interceptors run in the order added,
     * the first outermost (see {@link CallInterceptor}).
     */
    public Builder interceptInbound(CallInterceptor interceptor) {
      inbound.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Adds an interceptor around the calls this side makes to a client's objects (callbacks, observers' caches
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
     * TLS for the {@code tls://} and {@code wss://} listeners: the server's certificate and key, and for mutual TLS
     * the clients' CA and {@link TlsOptions.ClientAuth#REQUIRED}. Plain {@code tcp://} and {@code ws://} listeners
     * ignore it. Default: none, and a {@code tls://} listener fails to start unless its transport was given TLS.
     */
    public Builder tls(TlsOptions tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Behind a proxy that speaks HAProxy's PROXY protocol (v1 or v2, {@code send-proxy}/{@code send-proxy-v2}):
     * every connection to the {@code tcp://} and {@code tls://} listeners starts with its header, and
     * {@link Broker#remoteAddress()} is the client's address it names. Only connections from {@code proxies} are
     * taken; one from elsewhere, with a malformed header, or without one within 10 s is refused. Default: off.
     */
    public Builder proxyProtocol(TrustedProxies proxies) {
      this.proxyProtocol = Objects.requireNonNull(proxies, "proxies");
      return this;
    }

    /**
     * Behind a reverse proxy for WebSocket (nginx, say): upgrade requests from {@code proxies} may carry
     * {@code Forwarded} or {@code X-Forwarded-For}/{@code -Host}/{@code -Proto}, and {@link Broker#remoteAddress()}
     * is then the client they name (port 0 when they give none), and the Origin check judges the page against the
     * host and scheme the browser used. From any other address the headers are ignored. Default: nobody's.
     */
    public Builder trustedProxies(TrustedProxies proxies) {
      this.trustedProxies = Objects.requireNonNull(proxies, "proxies");
      return this;
    }

    /**
     * Where remote methods, answer callbacks and disconnect callbacks run. Default: a pool owned by the server,
     * shut down when it closes.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Whether failures sent to callers carry the Java stack trace (Twisted's {@code unsafeTracebacks}). */
    public Builder unsafeTracebacks(boolean send) {
      this.unsafeTracebacks = send;
      return this;
    }

    /** Where serializers and transports are found; default {@link ProviderRegistry#getDefault()}. */
    public Builder registry(ProviderRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Called with each connection once its dialect is chosen, on the executor. */
    public Builder onConnect(Consumer<Broker> listener) {
      this.onConnect = listener;
      return this;
    }

    public PbServer build() {
      if (listen.isEmpty()) {
        throw new IllegalStateException("no listener: call listen(\"tcp://127.0.0.1:8789\")");
      }
      return new PbServer(this);
    }
  }

}
