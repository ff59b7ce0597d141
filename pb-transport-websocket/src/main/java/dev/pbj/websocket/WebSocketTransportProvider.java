package dev.pbj.websocket;

import dev.pbj.Limits;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.TransportProvider;
import dev.pbj.spi.TransportServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * The {@code ws://host:port/path} and {@code wss://…} transport: an Undertow server and a Netty client. Found through {@link java.util.ServiceLoader}; {@link #builder()} sets the
 * limits, keepalive, allowed origins, TLS and the static resources the server also serves.
 *
 * <p>One PB message is one binary WebSocket message, in both directions; text messages are refused (close 1003 on
 * the server). The serializer is agreed in the opening handshake: the subprotocol names are the serializer names
 * ({@code banana}, {@code msgpack}); a client offers {@link LinkAcceptor#serializers()} in order, a server picks the
 * first of its own {@code serializers()} that the client offered (the client's first choice does not matter), or its
 * first when the client offered none, and refuses the upgrade with 400 when it accepts none of those offered. Both
 * links report the choice as {@link Link#negotiatedSerializer()}. The endpoint's path defaults to {@code /pb}.
 *
 * <p>Construction is cheap: the server's XNIO threads (daemons named {@code pbj-ws I/O-N}) start on the first
 * {@link #listen}; the client's (Netty event loops, one per processor, daemons named {@code pbj-ws-client-N}) on
 * the first {@link #connect}. Every {@link LinkAcceptor} and {@link dev.pbj.spi.LinkHandler} call of a link runs on
 * that link's I/O thread, one at a time and in order. The futures complete on those threads too: their callbacks
 * must not block. {@code listen} binds on the caller's thread.
 *
 * <p>Thread-safe. {@link #close()} closes the servers and client links it made with 1001 (going away), waits up to
 * the {@linkplain Builder#closeGrace close grace} for their closing handshakes, then stops its threads; afterwards
 * {@code connect} and {@code listen} fail with {@link IllegalStateException}.
 */
public final class WebSocketTransportProvider implements TransportProvider {

  private final Settings settings;
  private final Set<WebSocketServer> openServers = ConcurrentHashMap.newKeySet();
  private final Set<NettyClientLink> clientLinks = ConcurrentHashMap.newKeySet();

  private final Object lock = new Object();
  private ServerRuntime serverRuntime; // guarded by lock; null until the first listen
  private ClientRuntime clientRuntime; // guarded by lock; null until the first connect
  private boolean closed; // guarded by lock

  /** A provider with the default settings of {@link #builder()}; what {@link java.util.ServiceLoader} makes. */
  public WebSocketTransportProvider() {
    this(builder().settings());
  }

  private WebSocketTransportProvider(Settings settings) {
    this.settings = settings;
  }

  /** Settings for a provider: limits, keepalive, close grace, origins, TLS, static resources, threads. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public List<String> schemes() {
    return List.of("ws", "wss");
  }

  /**
   * {@inheritDoc}
   *
   * <p>The future fails with {@link IllegalArgumentException} for a URI that is not {@code ws://} or {@code wss://}
   * with a host, or when the acceptor names no serializers; with the connection error
   * (a {@link java.net.ConnectException}: refused, unknown host, or {@link io.netty.channel.ConnectTimeoutException}
   * when the connect and the upgrade together pass the {@linkplain Builder#connectTimeout connect timeout}; a
   * {@link java.net.BindException} for the acceptor's {@linkplain LinkAcceptor#localAddress() source address});
   * with a {@link WebSocketUpgradeException} naming the HTTP status when the server refuses the upgrade (403 for a
   * disallowed origin, 400 when it accepts none of the serializers offered); with a
   * {@link dev.pbj.ProtocolException} when the server's answer is no WebSocket upgrade or agrees on no serializer
   * this side offered; and with the acceptor's exception if it throws. {@code wss://} checks
   * the server (its certificate, and its name against the URI's host) with the acceptor's
   * {@link LinkAcceptor#tls() TLS options}, else the builder's {@link SSLContext}, else the JDK's default one; the
   * context's key, if it has one, is the client certificate offered for mutual TLS.
   */
  @Override
  public CompletableFuture<Link> connect(URI uri, LinkAcceptor acceptor) {
    Objects.requireNonNull(acceptor, "acceptor");
    try {
      Endpoint endpoint = Endpoint.of(uri, false);
      return NettyClientLink.connect(clientRuntime(), settings, endpoint, acceptor, clientLinks);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Serves the WebSocket endpoint at the URI's path ({@code /pb} when it has none) and the builder's static
   * resources. The future fails with {@link IllegalArgumentException} for a URI that is not
   * {@code ws://host:port/path} or {@code wss://…}, for {@code wss://} without the acceptor's
   * {@link LinkAcceptor#tls() TLS options} (whose client-auth mode applies: mutual TLS) or an
   * {@linkplain Builder#sslContext SSLContext}, and when the acceptor names no serializers; and with the bind error
   * (such as {@link java.net.BindException}) when the address cannot be bound.
   */
  @Override
  public CompletableFuture<TransportServer> listen(URI uri, LinkAcceptor acceptor) {
    Objects.requireNonNull(acceptor, "acceptor");
    try {
      Endpoint endpoint = Endpoint.of(uri, true);
      if (endpoint.secure() && settings.sslContext() == null && acceptor.tls() == null) {
        throw new IllegalArgumentException("listening on " + uri + " needs TLS settings with the server's key: "
            + "PbServer.builder().tls(TlsOptions...) or WebSocketTransportProvider.builder().sslContext(...)");
      }
      List<String> serializers = List.copyOf(acceptor.serializers());
      if (serializers.isEmpty()) {
        throw new IllegalArgumentException("the LinkAcceptor names no serializers (LinkAcceptor.serializers()); a "
            + "WebSocket server picks one of them through Sec-WebSocket-Protocol");
      }
      return CompletableFuture.completedFuture(
          WebSocketServer.bind(serverRuntime(), settings, endpoint, acceptor, serializers, openServers));
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Closes this provider's servers and client links, waiting up to the close grace for their closing handshakes,
   * then stops its threads and waits for them (unless called on one of them). Idempotent.
   */
  @Override
  public void close() {
    ServerRuntime server;
    ClientRuntime client;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      server = serverRuntime;
      client = clientRuntime;
    }
    for (WebSocketServer open : List.copyOf(openServers)) {
      open.close();
    }
    if (client != null) {
      WebSocketLink.closeAll(clientLinks, "the client is shutting down",
          client.inClientThread() || (server != null && server.inIoThread()), settings.closeGraceMillis());
      client.shutdown();
    }
    if (server != null) {
      server.shutdown();
    }
  }

  @Override
  public String toString() {
    return "WebSocketTransportProvider[maxFrameSize=" + settings.maxFrameSize()
        + ", pingInterval=" + settings.pingIntervalMillis() + " ms, idleTimeout=" + settings.idleTimeoutMillis()
        + " ms, " + settings.origins() + (settings.sslContext() != null ? ", TLS" : "") + "]";
  }

  /** The server threads if they have started, else {@code null}; for tests. */
  ServerRuntime startedServerRuntime() {
    synchronized (lock) {
      return serverRuntime;
    }
  }

  /** The client threads if they have started, else {@code null}; for tests. */
  ClientRuntime startedClientRuntime() {
    synchronized (lock) {
      return clientRuntime;
    }
  }

  private ServerRuntime serverRuntime() {
    synchronized (lock) {
      checkOpen();
      if (serverRuntime == null) {
        serverRuntime = ServerRuntime.start(settings.ioThreads());
      }
      return serverRuntime;
    }
  }

  private ClientRuntime clientRuntime() {
    synchronized (lock) {
      checkOpen();
      if (clientRuntime == null) {
        clientRuntime = ClientRuntime.start(0);
      }
      return clientRuntime;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the WebSocket transport provider is closed");
    }
  }

  /**
   * Settings for a {@link WebSocketTransportProvider}. Not thread-safe; {@link #build()} may be called more than
   * once, each time making an independent provider.
   */
  public static final class Builder {
    private int ioThreads = 2;
    private int maxFrameSize = Limits.defaults().maxMessageLength();
    private Duration pingInterval = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(90);
    private Duration closeGrace = Duration.ofSeconds(5);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private OriginPolicy origins = OriginPolicy.sameOriginAndLoopback();
    private UpgradeAuthenticator authenticator;
    private final Map<String, String> upgradeHeaders = new LinkedHashMap<>();
    private final Map<String, HttpRoutes.StaticResource> staticResources = new LinkedHashMap<>();
    private SSLContext sslContext;

    private Builder() {}

    /** The server's I/O threads (default 2); each WebSocket lives on one of them. */
    public Builder ioThreads(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("ioThreads (" + count + ") must be at least 1");
      }
      this.ioThreads = count;
      return this;
    }

    /**
     * The largest message either side accepts, in bytes (default 16 MiB, {@link Limits#maxMessageLength()}'s
     * default). A larger one closes the link with 1009 (message too big); the handler's {@code onClosed} gets a {@link dev.pbj.ProtocolException} naming both
     * numbers. It is checked as the message arrives, so an oversized one is never buffered whole.
     */
    public Builder maxFrameSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxFrameSize (" + bytes + ") must be at least 1");
      }
      this.maxFrameSize = bytes;
      return this;
    }

    /**
     * How long a link may be quiet before it pings the peer (default 30 seconds); {@link Duration#ZERO}: never.
     * Browsers, and this transport's client and server, answer pings by themselves.
     */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = notNegative("pingInterval", interval);
      return this;
    }

    /**
     * How long the peer may send nothing at all, not even a pong, before the link takes it for dead (default
     * 90 seconds): it sends close 1001 and drops the connection, and the handler's {@code onClosed} gets a
     * {@link java.net.SocketTimeoutException} ("no pong within …"). {@link Duration#ZERO}: never. Must be longer
     * than the ping interval, or a live but quiet peer has no ping to answer.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = notNegative("idleTimeout", timeout);
      return this;
    }

    /**
     * How long a closing link waits for its queued messages to go out and for the peer's close frame before it
     * drops the connection (default 5 seconds); if the messages were not all written by then, {@code onClosed} gets
     * an {@link IOException}. Also bounds how long {@link WebSocketTransportProvider#close()} and a server's
     * {@code close()} wait for their links.
     */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = notNegative("closeGrace", grace);
      return this;
    }

    /** The client's limit for the TCP connect and the opening handshake together (default 10 seconds). */
    public Builder connectTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout (" + timeout + ") must be positive");
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * The only browser origins that may open a WebSocket to the server, exactly (e.g. {@code https://example.com},
     * {@code http://127.0.0.1:8790}; default ports may be left out). Requests without an {@code Origin} header come
     * from programs, not pages, and stay allowed. Replaces the default: a page of the server's own origin (its
     * {@code Host} header) or on {@code localhost}, {@code 127.0.0.1} or {@code [::1]}, any port. A disallowed
     * origin's upgrade is refused with 403.
     *
     * @throws IllegalArgumentException for an entry that is not {@code scheme://host[:port]}
     */
    public Builder allowedOrigins(List<String> origins) {
      this.origins = OriginPolicy.exactly(List.copyOf(origins));
      return this;
    }

    /** Lets pages of any origin open a WebSocket to the server; for servers meant to be public. */
    public Builder allowAnyOrigin() {
      this.origins = OriginPolicy.any();
      return this;
    }

    /**
     * Who may open a PB connection to the servers of this provider, decided from the upgrade request after the
     * origin check (see {@link UpgradeAuthenticator}); what it returns becomes the connection's
     * {@link dev.pbj.Broker#peerIdentity()}. Default: none, every request the origin check allows may upgrade (a
     * {@code wss://} client's verified certificate is then the identity).
     */
    public Builder upgradeAuthenticator(UpgradeAuthenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * A header the clients of this provider send with each upgrade request, e.g. {@code Authorization: Bearer …}
     * for a server's {@link UpgradeAuthenticator}; repeatable, a later value for a name replaces the earlier.
     * Headers the WebSocket handshake itself sets ({@code Sec-WebSocket-*}, {@code Upgrade}, {@code Connection},
     * {@code Host}) are refused.
     *
     * @throws IllegalArgumentException for such a header, or a name or value that is not valid in HTTP
     */
    public Builder upgradeHeader(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("sec-websocket-") || List.of("upgrade", "connection", "host", "content-length")
          .contains(lower)) {
        throw new IllegalArgumentException("upgradeHeader '" + name + "' is set by the WebSocket handshake itself");
      }
      if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
        throw new IllegalArgumentException("upgradeHeader name '" + name + "' is not an HTTP token");
      }
      if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw new IllegalArgumentException("upgradeHeader '" + name + "' value contains a line break or NUL");
      }
      upgradeHeaders.put(name, value);
      return this;
    }

    /**
     * Serves {@code body} at {@code path} (GET and HEAD) on every server of the provider, e.g. a demo page at
     * {@code /}. Repeatable; a later call for the same path replaces the earlier one. Other paths than these and
     * the WebSocket endpoint get 404.
     *
     * @param path the request path, starting with {@code /}
     * @param contentType the {@code Content-Type} to answer with, e.g. {@code text/html; charset=utf-8}
     * @param body the bytes to serve; copied
     */
    public Builder staticResource(String path, String contentType, byte[] body) {
      byte[] copy = Objects.requireNonNull(body, "body").clone();
      return staticResource(path, contentType, () -> copy);
    }

    /**
     * Like {@link #staticResource(String, String, byte[])}, with a body made on each request (on an I/O thread:
     * it must be quick and must not block), e.g. a page that names an address known only once the server listens.
     */
    public Builder staticResource(String path, String contentType, java.util.function.Supplier<byte[]> body) {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("staticResource path '" + path + "' must start with /");
      }
      staticResources.put(path, new HttpRoutes.StaticResource(contentType, body));
      return this;
    }

    /**
     * Enables {@code wss://} listening with this context's key managers, and checks the servers {@code wss://}
     * connects to with its trust managers (default: none for listening, the JDK's default context for
     * connecting).
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * A new provider with these settings; its threads start on its first connect or listen.
     *
     * @throws IllegalArgumentException when the idle timeout is not longer than the ping interval
     */
    public WebSocketTransportProvider build() {
      return new WebSocketTransportProvider(settings());
    }

    private Settings settings() {
      if (!idleTimeout.isZero() && !pingInterval.isZero() && idleTimeout.compareTo(pingInterval) <= 0) {
        throw new IllegalArgumentException("idleTimeout (" + idleTimeout + ") must be longer than pingInterval ("
            + pingInterval + "), or a quiet peer has no ping to answer before it is taken for dead");
      }
      return new Settings(ioThreads, maxFrameSize, pingInterval.toMillis(), idleTimeout.toMillis(),
          closeGrace.toMillis(), connectTimeout, origins, authenticator, Map.copyOf(upgradeHeaders),
          Map.copyOf(staticResources), sslContext);
    }

    private static Duration notNegative(String name, Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " (" + value + ") must not be negative");
      }
      return value;
    }
  }
}
