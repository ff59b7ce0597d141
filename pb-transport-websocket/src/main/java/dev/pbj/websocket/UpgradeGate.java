package dev.pbj.websocket;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a WebSocket upgrade request, then lets Undertow's handshake perform it: a disallowed {@code Origin} gets
 * 403; a request the {@link UpgradeAuthenticator} refuses gets the status it chose (500 if it failed otherwise), and
 * the identity it returned is attached to the exchange for the link; offered subprotocols of which the server
 * accepts none get 400, naming what it accepts. Otherwise the server's choice is the first of its own serializers
 * that the client offered, or its first when the client offered none (the response then names none, as RFC 6455
 * requires). Only version 13 (RFC 6455) is spoken; other versions get 426 with {@code Sec-WebSocket-Version: 13}.
 */
final class UpgradeGate implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(UpgradeGate.class);
  /** Who the authenticator found the peer to be, for the link made of the exchange. */
  static final AttachmentKey<Object> IDENTITY = AttachmentKey.create(Object.class);
  /** The client a trusted proxy named, for the link's remote address. */
  static final AttachmentKey<java.net.InetSocketAddress> CLIENT =
      AttachmentKey.create(java.net.InetSocketAddress.class);
  /** The exchange itself, so that the link made of it can let go of its headers ({@link #releaseHeaders}). */
  private static final AttachmentKey<HttpServerExchange> EXCHANGE = AttachmentKey.create(HttpServerExchange.class);

  private final OriginPolicy origins;
  private final UpgradeAuthenticator authenticator;
  private final List<String> serializers;
  private final boolean secure;
  private final dev.pbj.TrustedProxies trustedProxies;
  private final WebSocketProtocolHandshakeHandler handshake;

  /**
   * @param authenticator null: every request that passes the origin check may upgrade
   * @param trustedProxies whose forwarded headers are believed ({@link ForwardedHeaders}); null: nobody's
   */
  UpgradeGate(OriginPolicy origins, UpgradeAuthenticator authenticator, List<String> serializers, boolean secure,
      dev.pbj.TrustedProxies trustedProxies, WebSocketConnectionCallback onConnect) {
    this.origins = origins;
    this.trustedProxies = trustedProxies;
    this.authenticator = authenticator;
    this.serializers = List.copyOf(serializers);
    this.secure = secure;
    this.handshake = new WebSocketProtocolHandshakeHandler(
        List.of(new Hybi13Handshake(Set.copyOf(serializers), false)), onConnect, UpgradeGate::versionUnsupported);
  }

  /**
   * Once the WebSocket is made of {@code upgraded}: empties the upgrade request's and response's headers, which
   * nothing reads any more. Undertow keeps the exchange for the connection's whole life (its HTTP connection holds
   * the upgrade listener, which holds the exchange), and the headers were about 1.5 KB of each idle WebSocket.
   */
  static void releaseHeaders(io.undertow.websockets.spi.WebSocketHttpExchange upgraded) {
    HttpServerExchange exchange = upgraded.getAttachment(EXCHANGE);
    if (exchange != null) {
      exchange.removeAttachment(EXCHANGE);
      exchange.getRequestHeaders().clear();
      exchange.getResponseHeaders().clear();
    }
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    exchange.putAttachment(EXCHANGE, exchange);
    HeaderMap headers = exchange.getRequestHeaders();
    String origin = headers.getFirst(Headers.ORIGIN);
    ForwardedHeaders forwarded = ForwardedHeaders.of(headers, exchange.getSourceAddress(), trustedProxies);
    // behind a trusted proxy the page's origin is judged against the host and scheme the browser used
    String host = forwarded != null && forwarded.host() != null ? forwarded.host() : headers.getFirst(Headers.HOST);
    boolean secureRequest = forwarded != null && forwarded.secure() != null ? forwarded.secure() : secure;
    if (forwarded != null && forwarded.client() != null) {
      exchange.putAttachment(CLIENT, forwarded.client());
    }
    if (!origins.allows(origin, host, secureRequest)) {
      HttpRoutes.respond(exchange, 403, "Origin " + origin + " may not open a WebSocket here; this server accepts "
          + origins.describe());
      return;
    }
    if (authenticator != null) {
      if (!authenticate(exchange)) {
        return;
      }
    } else {
      java.security.Principal peer = ExchangeUpgradeRequest.verifiedPeer(exchange.getConnection().getSslSession());
      if (peer != null) {
        exchange.putAttachment(IDENTITY, peer);
      }
    }
    List<String> offered = Subprotocols.parse(headers.get(Headers.SEC_WEB_SOCKET_PROTOCOL));
    if (!offered.isEmpty()) {
      String chosen = Subprotocols.choose(serializers, offered);
      if (chosen == null) {
        HttpRoutes.respond(exchange, 400, "none of the offered subprotocols " + offered
            + " is a serializer this server accepts; it accepts " + serializers);
        return;
      }
      // Undertow's handshake picks in the client's order; left one name, it picks the server's choice.
      headers.put(Headers.SEC_WEB_SOCKET_PROTOCOL, chosen);
    }
    handshake.handleRequest(exchange);
  }

  /** True if the authenticator let the request through; otherwise it has been answered. */
  private boolean authenticate(HttpServerExchange exchange) {
    ExchangeUpgradeRequest request = new ExchangeUpgradeRequest(exchange);
    Object identity;
    try {
      identity = authenticator.authenticate(request);
    } catch (UpgradeRefusedException refused) {
      log.debug("{} refused: {} {}", request, refused.status(), refused.getMessage());
      HttpRoutes.respond(exchange, refused.status(), refused.getMessage() == null ? "refused" : refused.getMessage());
      return false;
    } catch (RuntimeException | Error e) {
      log.warn("the WebSocket upgrade authenticator failed on {}; refused with 500", request, e);
      HttpRoutes.respond(exchange, 500, "the server could not authenticate this request");
      return false;
    }
    if (identity == null) {
      log.warn("the WebSocket upgrade authenticator returned null for {}; refused with 500 (throw "
          + "UpgradeRefusedException to refuse)", request);
      HttpRoutes.respond(exchange, 500, "the server could not authenticate this request");
      return false;
    }
    exchange.putAttachment(IDENTITY, identity);
    return true;
  }

  private static void versionUnsupported(HttpServerExchange exchange) {
    exchange.getResponseHeaders().put(Headers.SEC_WEB_SOCKET_VERSION, "13");
    HttpRoutes.respond(exchange, 426, "this server speaks WebSocket version 13 (RFC 6455); send "
        + "Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key");
  }
}
