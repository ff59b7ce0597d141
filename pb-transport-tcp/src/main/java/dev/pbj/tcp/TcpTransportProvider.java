package dev.pbj.tcp;

import dev.pbj.Limits;
import dev.pbj.TlsOptions;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.TransportProvider;
import dev.pbj.spi.TransportServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code tcp://host:port} transport, on Netty: its epoll channels where the native library loads (Linux), its
 * NIO channels elsewhere, or where the system property {@value #EPOLL_PROPERTY} is {@code false} or the builder
 * asks for them.
 * Found through {@link java.util.ServiceLoader}; {@link #builder()} sets the number of I/O threads, epoll, and the
 * close grace.
 *
 * <p>Every write goes through the channel's pipeline (see {@link TcpLink}), so handlers for TLS, idle detection or
 * metrics can be put in front of the link's own.
 *
 * <p>{@code tls://host:port} is TCP with TLS: Netty's {@code SslHandler} over the JDK's {@code SSLEngine} first in
 * each channel's pipeline, and a link handed to its acceptor only once the handshake has succeeded (see
 * {@link TlsHandshake}). The TLS settings are the acceptor's {@link LinkAcceptor#tls()}, else the builder's
 * {@linkplain Builder#tls default}; a client with neither trusts the JDK's CAs and checks the server's name. Each connection's write buffer water marks are the
 * {@linkplain Limits#outboundHighWaterMark() outbound water marks} of the {@link LinkAcceptor#limits() limits}
 * its acceptor gives.
 *
 * <p>Construction is cheap: the I/O threads (daemons named {@code pbj-tcp-io-N}) start on the first
 * {@link #connect} or {@link #listen}. Each link lives on one of them, and every {@link dev.pbj.spi.LinkAcceptor}
 * and {@link dev.pbj.spi.LinkHandler} call for it runs there. The futures this provider returns complete on an
 * I/O thread too: their callbacks must not block. Host names are resolved with the JDK resolver, on an I/O
 * thread for {@code connect} and on the caller's for {@code listen}.
 *
 * <p>Thread-safe. {@link #close()} closes the servers and the client links it made (after their written bytes, for
 * at most the {@linkplain Builder#closeGrace close grace}), then stops its threads; afterwards {@code connect}
 * and {@code listen} fail with {@link IllegalStateException}. Links and servers can also be closed on their own.
 */
public final class TcpTransportProvider implements TransportProvider {

  /** The system property that, set to {@code false}, makes {@link #builder()} default to NIO instead of epoll. */
  public static final String EPOLL_PROPERTY = "pbj.tcp.epoll";

  private final int ioThreads;
  private final boolean epoll;
  private final long closeGraceMillis;
  /** For tls:// when the acceptor has none; null: none. */
  private final TlsOptions defaultTls;
  /** What a tls:// client without options uses; made on first use (reading the JDK's trust store). */
  private TlsOptions jdkTrust; // guarded by lock
  private final ChannelGroup clientChannels =
      new DefaultChannelGroup("pbj-tcp-clients", GlobalEventExecutor.INSTANCE);
  private final Set<TcpServer> openServers = ConcurrentHashMap.newKeySet();

  private final Object lock = new Object();
  private EventLoops loops; // guarded by lock; null until first use
  private boolean closed; // guarded by lock

  /** A provider with the default settings of {@link #builder()}; what {@link java.util.ServiceLoader} makes. */
  public TcpTransportProvider() {
    this(builder());
  }

  private TcpTransportProvider(Builder builder) {
    this.ioThreads = builder.ioThreads;
    this.epoll = builder.epoll;
    this.closeGraceMillis = builder.closeGrace.toMillis();
    this.defaultTls = builder.tls;
  }

  /** Settings for a provider: I/O thread count, epoll instead of NIO, close grace. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public List<String> schemes() {
    return List.of("tcp", "tls");
  }

  /**
   * A failure to bind the source address as the {@link BindException} it is: NIO reports a SocketException caused
   * by one, epoll a native I/O error of its {@code bind(..)}.
   */
  private static Throwable bindFailure(Throwable cause, LinkAcceptor acceptor) {
    if (acceptor.localAddress() == null) {
      return cause;
    }
    String why = cause.getCause() instanceof BindException nio ? nio.getMessage()
        // by name: the unix classes are there only with the epoll ones, which a class path may leave out
        : cause.getClass().getName().equals("io.netty.channel.unix.Errors$NativeIoException")
            && String.valueOf(cause.getMessage()).startsWith("bind(") ? cause.getMessage() : null;
    if (why == null) {
      return cause;
    }
    BindException bind = new BindException("cannot bind the source address "
        + acceptor.localAddress().getHostAddress() + ": " + why);
    bind.initCause(cause);
    return bind;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The future fails with {@link IllegalArgumentException} for a URI that is not {@code tcp://host:port} or
   * {@code tls://host:port}, with the connection error ({@link java.net.ConnectException},
   * {@link java.net.UnknownHostException}) when the peer cannot be reached, with an {@link javax.net.ssl.SSLException}
   * when the TLS handshake fails (the server's certificate is not trusted or names another host, or the server
   * refused this side's), and with the acceptor's exception if it throws.
   */
  @Override
  public CompletableFuture<Link> connect(URI uri, LinkAcceptor acceptor) {
    Objects.requireNonNull(acceptor, "acceptor");
    EventLoops loops;
    InetSocketAddress address;
    WriteBufferWaterMark marks;
    TlsOptions tls;
    try {
      // Left unresolved for Netty, which resolves it on the I/O thread with the JDK resolver.
      address = InetSocketAddress.createUnresolved(host(uri), port(uri));
      marks = waterMarks(acceptor);
      tls = secure(uri) ? clientTls(acceptor) : null;
      loops = eventLoops();
    } catch (IllegalArgumentException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }

    CompletableFuture<Link> result = new CompletableFuture<>();
    ChannelFuture connecting = new Bootstrap()
        .group(loops.group)
        .channelFactory(loops.socketChannels)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            clientChannels.add(channel);
            // Installed before the channel is active, so no read can reach the pipeline ahead of the acceptor.
            if (tls != null) {
              TlsHandshake.installClient(channel, tls, address.getHostString(), address.getPort(), result);
            }
            TcpKeepalive.install(channel, acceptor.keepalive());
            channel.pipeline().addLast(new TcpLink(channel, acceptor, result, closeGraceMillis));
          }
        })
        .connect(address, acceptor.localAddress() == null ? null : new InetSocketAddress(acceptor.localAddress(), 0));
    connecting.addListener(done -> {
      if (!done.isSuccess()) {
        result.completeExceptionally(bindFailure(done.cause(), acceptor)); // Netty has closed the channel
      }
    });
    result.whenComplete((link, error) -> {
      if (result.isCancelled()) {
        connecting.channel().close();
      }
    });
    return result;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The future fails with {@link IllegalArgumentException} for a URI that is not {@code tcp://host:port} or
   * {@code tls://host:port}, or a {@code tls://} one with no TLS settings (neither the acceptor's nor the
   * builder's), and with the bind error (such as {@link java.net.BindException}) when the address cannot be bound.
   */
  @Override
  public CompletableFuture<TransportServer> listen(URI uri, LinkAcceptor acceptor) {
    Objects.requireNonNull(acceptor, "acceptor");
    try {
      var address = new InetSocketAddress(host(uri), port(uri));
      TlsOptions tls = secure(uri) ? serverTls(uri, acceptor) : null;
      return TcpServer.bind(eventLoops(), address, acceptor, tls, openServers, closeGraceMillis);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Closes this provider's servers and client links, waiting up to the close grace for their written bytes, then
   * stops its I/O threads and waits for them (unless called on one of them). Idempotent.
   */
  @Override
  public void close() {
    EventLoops started;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      started = loops;
    }
    if (started == null) {
      return;
    }
    for (TcpServer server : openServers) {
      server.close();
    }
    TcpLink.closeAll(clientChannels, started, closeGraceMillis);
    started.shutdown();
  }

  @Override
  public String toString() {
    return "TcpTransportProvider[ioThreads=" + (ioThreads == 0 ? "default" : ioThreads)
        + (epoll ? ", epoll" : "") + "]";
  }

  /** Netty's write buffer water marks for the connections of {@code acceptor}, from its limits. */
  static WriteBufferWaterMark waterMarks(LinkAcceptor acceptor) {
    Limits limits = acceptor.limits();
    return new WriteBufferWaterMark(limits.outboundLowWaterMark(), limits.outboundHighWaterMark());
  }

  private TlsOptions clientTls(LinkAcceptor acceptor) {
    if (acceptor.tls() != null) {
      return acceptor.tls();
    }
    if (defaultTls != null) {
      return defaultTls;
    }
    synchronized (lock) {
      if (jdkTrust == null) {
        jdkTrust = TlsOptions.builder().build();
      }
      return jdkTrust;
    }
  }

  private TlsOptions serverTls(URI uri, LinkAcceptor acceptor) {
    TlsOptions tls = acceptor.tls() != null ? acceptor.tls() : defaultTls;
    if (tls == null) {
      throw new IllegalArgumentException("listening on " + uri + " needs TLS settings with the server's certificate "
          + "and key: PbServer.builder().tls(TlsOptions.builder().keyCertChain(CERT, KEY).build()), or "
          + "TcpTransportProvider.builder().tls(...)");
    }
    return tls;
  }

  private static boolean secure(URI uri) {
    return "tls".equalsIgnoreCase(uri.getScheme());
  }

  /** The I/O threads, started on first use. */
  private EventLoops eventLoops() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the TCP transport provider is closed");
      }
      if (loops == null) {
        loops = EventLoops.start(ioThreads, epoll);
      }
      return loops;
    }
  }

  /** The I/O threads if they have started, else {@code null}; for tests. */
  EventLoops started() {
    synchronized (lock) {
      return loops;
    }
  }

  private static String host(URI uri) {
    if (!"tcp".equalsIgnoreCase(uri.getScheme()) && !secure(uri)) {
      throw new IllegalArgumentException("not a tcp:// or tls:// URI: " + uri);
    }
    String host = uri.getHost();
    if (host == null) {
      throw new IllegalArgumentException("no host in " + uri + " (expected " + uri.getScheme() + "://host:port)");
    }
    // URI keeps the brackets of an IPv6 literal; the resolver wants the bare address.
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static int port(URI uri) {
    if (uri.getPort() < 0) {
      throw new IllegalArgumentException("no port in " + uri + " (expected " + uri.getScheme()
          + "://host:port; 0 to listen on any)");
    }
    return uri.getPort();
  }

  /**
   * Settings for a {@link TcpTransportProvider}. Not thread-safe; {@link #build()} may be called more than once,
   * each time making an independent provider.
   */
  public static final class Builder {
    private int ioThreads;
    private boolean epoll = !"false".equalsIgnoreCase(System.getProperty(EPOLL_PROPERTY, "true"));
    private Duration closeGrace = Duration.ofSeconds(5);
    private TlsOptions tls;

    private Builder() {}

    /** The number of I/O threads; 0 (the default) takes Netty's, twice the available processors. */
    public Builder ioThreads(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("ioThreads (" + count + ") must be 0 (Netty's default) or more");
      }
      this.ioThreads = count;
      return this;
    }

    /**
     * Whether to use Netty's epoll transport where its native library loads (NIO where it does not); defaults to
     * {@code true} unless the system property {@value TcpTransportProvider#EPOLL_PROPERTY} was {@code false} when
     * {@link TcpTransportProvider#builder()} was called. Both write every message through the channel's pipeline;
     * epoll reads and writes the buffers' memory directly, with fewer wake-ups (a blocking caller's round trip in
     * pb-bench: 117 against 200 µs on NIO, in one run).
     */
    public Builder epoll(boolean epoll) {
      this.epoll = epoll;
      return this;
    }

    /**
     * How long a closing link keeps trying to write what was sent before it, when the peer is slow to read; after
     * that it closes anyway and its handler's {@code onClosed} gets an {@link java.io.IOException}. Also bounds
     * how long {@link TcpTransportProvider#close()} and a server's {@code close()} wait for their links. Default
     * 5 seconds.
     */
    public Builder closeGrace(Duration grace) {
      if (grace.isNegative()) {
        throw new IllegalArgumentException("closeGrace (" + grace + ") must not be negative");
      }
      this.closeGrace = grace;
      return this;
    }

    /**
     * The TLS settings of {@code tls://} links whose acceptor gives none ({@link LinkAcceptor#tls()}): a listener's
     * certificate and key, a client's trusted CAs. Default: none; a {@code tls://} client then trusts the JDK's CAs.
     */
    public Builder tls(TlsOptions tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** A new provider with these settings; its threads start on its first connect or listen. */
    public TcpTransportProvider build() {
      return new TcpTransportProvider(this);
    }
  }
}
