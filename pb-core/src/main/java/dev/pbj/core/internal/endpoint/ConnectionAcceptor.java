package dev.pbj.core.internal.endpoint;

import dev.pbj.Broker;
import dev.pbj.ConnectionRefusedException;
import dev.pbj.Keepalive;
import dev.pbj.Limits;
import dev.pbj.TlsOptions;
import dev.pbj.TrustedProxies;
import dev.pbj.core.internal.connection.Connection;
import dev.pbj.core.internal.wire.DialectHandshake;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import dev.pbj.spi.SerializerProvider;
import java.nio.ByteBuffer;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client or server tells its transports: each new link becomes a {@link Connection}, and the links get the
 * serializers (with PBJ's extensions offered first), limits, keepalive and TLS of its configuration. A server
 * holds at most {@link Limits#maxConnections()} links at once, counted from accept to close: one more is refused
 * before any PB message (see {@link #REFUSED}), and a burst of refusals is logged once.
 */
public final class ConnectionAcceptor implements LinkAcceptor {
  /**
   * The one dialect a server at its limit offers over an unframed link: a PBJ client reports the refusal as a
   * {@link ConnectionRefusedException}; any other client finds no dialect it knows and gives up.
   */
  public static final String REFUSED = "pbj-refused:maxConnections";
  private static final Logger log = LoggerFactory.getLogger(ConnectionAcceptor.class);

  private final boolean server;
  private final List<SerializerProvider> serializers;
  private final BrokerConfig config;
  private final TlsOptions tls;
  private TrustedProxies proxyProtocol;
  private TrustedProxies trustedProxies;
  private InetAddress localAddress;
  private final Supplier<CompletableFuture<Broker>> ready;
  private final AtomicInteger open = new AtomicInteger();
  /** Set from the first refusal of a burst until a connection is taken again; refusals in the burst. */
  private final AtomicBoolean refusing = new AtomicBoolean();
  private final AtomicLong refusedInBurst = new AtomicLong();

  /**
   * @param tls null: the transports' own configuration
   * @param ready makes the future each new connection completes with its broker once the dialect is chosen
   */
  public ConnectionAcceptor(boolean server, List<SerializerProvider> serializers, BrokerConfig config,
      TlsOptions tls, Supplier<CompletableFuture<Broker>> ready) {
    this.server = server;
    this.serializers = serializers;
    this.config = config;
    this.tls = tls;
    this.ready = ready;
  }

  @Override
  public LinkHandler accept(Link link) {
    if (!server) {
      Connection connection = new Connection(link, false, serializers, config, ready.get());
      connection.start();
      return connection;
    }
    int max = config.limits().maxConnections();
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return refuse(link, max);
    }
    if (refusing.compareAndSet(true, false)) {
      log.info("taking connections again after refusing {} at the limit of {} (maxConnections)",
          refusedInBurst.getAndSet(0), max);
    }
    Connection connection = new Connection(link, true, serializers, config, ready.get());
    connection.start();
    return new Counted(connection);
  }

  /** The server's links open now (accepted and not yet closed). */
  public int openConnections() {
    return open.get();
  }

  private LinkHandler refuse(Link link, int max) {
    refusedInBurst.incrementAndGet();
    if (refusing.compareAndSet(false, true)) {
      log.warn("refusing connections: the server holds {} already (maxConnections); the refusals that follow are"
          + " not logged until one is taken again (first refused: {})", max, link.remoteAddress());
    }
    ConnectionRefusedException refused = new ConnectionRefusedException("the server holds " + max
        + " connections already (maxConnections)");
    if (link.negotiatedSerializer() == null) {
      link.send(DialectHandshake.offer(List.of(REFUSED)));
      link.close();
    } else {
      link.close(refused); // a WebSocket: closed with 1013 (try again later) and the reason
    }
    return new LinkHandler() {
      @Override
      public void onBytes(ByteBuffer bytes) {
        // refused: whatever the peer sends is dropped with the link
      }

      @Override
      public void onClosed(Throwable cause) {}
    };
  }

  /** A server's connection, counted as open until its link closes. */
  private final class Counted implements LinkHandler {
    private final Connection connection;
    private final AtomicBoolean closed = new AtomicBoolean();

    Counted(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void onBytes(ByteBuffer bytes) {
      connection.onBytes(bytes);
    }

    @Override
    public void onWritabilityChanged(boolean writable) {
      connection.onWritabilityChanged(writable);
    }

    @Override
    public void onReadIdle() {
      connection.onReadIdle();
    }

    @Override
    public void onClosed(Throwable cause) {
      if (closed.compareAndSet(false, true)) {
        open.decrementAndGet();
      }
      connection.onClosed(cause);
    }
  }

  @Override
  public List<String> serializers() {
    return Connection.withExtensions(config.serializers());
  }

  @Override
  public Limits limits() {
    return config.limits();
  }

  @Override
  public Keepalive keepalive() {
    return config.keepalive();
  }

  @Override
  public TlsOptions tls() {
    return tls;
  }

  /** A server's: TCP connections start with a PROXY header from these proxies (null: none is read). */
  public ConnectionAcceptor proxyProtocol(TrustedProxies proxies) {
    this.proxyProtocol = proxies;
    return this;
  }

  @Override
  public TrustedProxies proxyProtocol() {
    return proxyProtocol;
  }

  /** A server's: the proxies whose forwarded headers its WebSocket listeners believe (null: nobody's). */
  public ConnectionAcceptor trustedProxies(TrustedProxies proxies) {
    this.trustedProxies = proxies;
    return this;
  }

  @Override
  public TrustedProxies trustedProxies() {
    return trustedProxies;
  }

  /** A client's: the source address of the connection (null: the system's choice). */
  public ConnectionAcceptor localAddress(InetAddress address) {
    this.localAddress = address;
    return this;
  }

  @Override
  public InetAddress localAddress() {
    return localAddress;
  }
}
