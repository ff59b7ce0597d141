package dev.pbj.websocket;

import dev.pbj.Limits;
import dev.pbj.TlsOptions;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.TransportServer;
import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.websockets.WebSocketConnectionCallback;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;
import org.xnio.ssl.SslConnection;

/**
 * A listening WebSocket endpoint: an Undertow HTTP listener (HTTPS for {@code wss://}) on the provider's XNIO worker,
 * whose {@link HttpRoutes} upgrade requests at the endpoint's path into {@link UndertowLink}s, each handed to the
 * acceptor on its I/O thread, and serve the provider's static resources.
 *
 * <p>Thread-safe. {@link #close()} stops accepting, then closes every link it accepted with 1001 (going away) after
 * their queued messages, dropping those whose closing handshake takes longer than the close grace; it waits for
 * that unless called on an I/O thread, and is idempotent. Plain HTTP connections (static resources) are left to
 * end by themselves, or with the provider.
 */
final class WebSocketServer implements TransportServer {

  /** How long an HTTP connection may wait for its next request. */
  private static final int NO_REQUEST_TIMEOUT_MILLIS = 60_000;

  private final AcceptingChannel<? extends StreamConnection> listener;
  private final InetSocketAddress localAddress;
  private final Endpoint endpoint;
  private final Set<UndertowLink> links;
  private final AtomicBoolean closed;
  private final ServerRuntime runtime;
  private final Settings settings;
  private final Set<WebSocketServer> openServers;

  private WebSocketServer(AcceptingChannel<? extends StreamConnection> listener, Endpoint endpoint,
      Set<UndertowLink> links, AtomicBoolean closed, ServerRuntime runtime, Settings settings,
      Set<WebSocketServer> openServers) {
    this.listener = listener;
    this.localAddress = listener.getLocalAddress(InetSocketAddress.class);
    this.endpoint = endpoint;
    this.links = links;
    this.closed = closed;
    this.runtime = runtime;
    this.settings = settings;
    this.openServers = openServers;
  }

  /**
   * Binds the endpoint's address on the caller's thread; the server stays in {@code openServers} while it is open.
   * A {@code wss://} endpoint needs the acceptor's {@link LinkAcceptor#tls()} (whose client-auth mode it applies) or
   * {@link Settings#sslContext()}.
   *
   * @param serializers what the acceptor accepts, preferred first; not empty
   * @throws IOException when the address cannot be bound
   */
  static WebSocketServer bind(ServerRuntime runtime, Settings settings, Endpoint endpoint, LinkAcceptor acceptor,
      List<String> serializers, Set<WebSocketServer> openServers) throws IOException {
    Set<UndertowLink> links = ConcurrentHashMap.newKeySet();
    AtomicBoolean closed = new AtomicBoolean();
    Limits limits = acceptor.limits();
    Settings linkSettings = settings.withMaxFrameSize(limits.maxMessageLength());
    WebSocketConnectionCallback onConnect = (exchange, channel) -> {
      String chosen = channel.getSubProtocol();
      Object identity = exchange.getAttachment(UpgradeGate.IDENTITY);
      java.net.InetSocketAddress client = exchange.getAttachment(UpgradeGate.CLIENT);
      UpgradeGate.releaseHeaders(exchange);
      UndertowLink link = new UndertowLink(channel,
          chosen == null || chosen.isEmpty() ? Subprotocols.fallback(serializers) : chosen, linkSettings, limits,
          identity, client);
      // Added before the check so that close() either sees the link or this sees the flag.
      links.add(link);
      if (closed.get()) {
        links.remove(link);
        IoUtils.safeClose(channel);
        return;
      }
      link.whenTerminated().whenComplete((ignored, error) -> links.remove(link));
      link.start(acceptor);
    };
    var routes = new HttpRoutes(endpoint.path(),
        new UpgradeGate(settings.origins(), settings.authenticator(), serializers, endpoint.secure(),
            acceptor.trustedProxies(), onConnect),
        settings.staticResources());
    var http = new HttpOpenListener(runtime.buffers, OptionMap.builder()
        .set(UndertowOptions.NO_REQUEST_TIMEOUT, NO_REQUEST_TIMEOUT_MILLIS)
        .getMap());
    http.setRootHandler(routes);
    ChannelListener<AcceptingChannel<StreamConnection>> accept = ChannelListeners.openListenerAdapter(http);
    OptionMap socketOptions = OptionMap.builder()
        .set(Options.TCP_NODELAY, true)
        .set(Options.REUSE_ADDRESSES, true)
        .getMap();
    var address = new InetSocketAddress(endpoint.host(), endpoint.port());
    AcceptingChannel<? extends StreamConnection> listener;
    if (endpoint.secure()) {
      TlsOptions tls = acceptor.tls();
      SSLContext context = tls != null ? tls.sslContext() : settings.sslContext();
      OptionMap sslOptions = OptionMap.builder().addAll(socketOptions)
          .set(Options.SSL_CLIENT_AUTH_MODE, clientAuthMode(tls)).getMap();
      listener = new UndertowXnioSsl(runtime.xnio, OptionMap.create(Options.USE_DIRECT_BUFFERS, true), context)
          .createSslConnectionServer(runtime.worker, address, sslAdapter(accept), sslOptions);
    } else {
      listener = runtime.worker.createStreamConnectionServer(address, accept, socketOptions);
    }
    listener.resumeAccepts();
    var server = new WebSocketServer(listener, endpoint, links, closed, runtime, settings, openServers);
    openServers.add(server);
    return server;
  }

  /** XNIO's name for what the server asks of its clients; none without options of the acceptor's own. */
  private static SslClientAuthMode clientAuthMode(TlsOptions tls) {
    if (tls == null) {
      return SslClientAuthMode.NOT_REQUESTED;
    }
    return switch (tls.clientAuth()) {
      case NONE -> SslClientAuthMode.NOT_REQUESTED;
      case OPTIONAL -> SslClientAuthMode.REQUESTED;
      case REQUIRED -> SslClientAuthMode.REQUIRED;
    };
  }

  /** The same listener for TLS connections, which are stream connections too (as Undertow itself casts it). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ChannelListener<AcceptingChannel<SslConnection>> sslAdapter(
      ChannelListener<AcceptingChannel<StreamConnection>> accept) {
    return (ChannelListener) accept;
  }

  @Override
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public void stopAccepting() {
    IoUtils.safeClose(listener); // the links accepted stay, and in openServers, until close()
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    IoUtils.safeClose(listener);
    openServers.remove(this);
    WebSocketLink.closeAll(links, "the server is shutting down", runtime.inIoThread(), settings.closeGraceMillis());
  }

  @Override
  public String toString() {
    return "WebSocketServer[" + (endpoint.secure() ? "wss://" : "ws://") + localAddress.getHostString() + ":"
        + localAddress.getPort() + endpoint.path() + "]";
  }
}
