package dev.pbj.websocket;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.net.SocketAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * An upgrade request read off Undertow's exchange, for an {@link UpgradeAuthenticator}. Its headers and cookies are
 * copied when it is made: the exchange's own are emptied once the WebSocket is open
 * ({@link UpgradeGate#releaseHeaders}), and an authenticator may keep the request longer than that.
 */
final class ExchangeUpgradeRequest implements UpgradeRequest {
  private static final String BEARER = "bearer ";

  private final HttpServerExchange exchange;
  /** Header name in lower case → its values, in the order received. */
  private final Map<String, List<String>> headers = new LinkedHashMap<>();
  private final Map<String, String> cookies = new LinkedHashMap<>();

  ExchangeUpgradeRequest(HttpServerExchange exchange) {
    this.exchange = exchange;
    for (HeaderValues values : exchange.getRequestHeaders()) {
      headers.computeIfAbsent(values.getHeaderName().toString().toLowerCase(Locale.ROOT), n -> new ArrayList<>())
          .addAll(values);
    }
    for (Cookie cookie : exchange.requestCookies()) {
      cookies.putIfAbsent(cookie.getName(), cookie.getValue());
    }
  }

  @Override
  public String path() {
    return exchange.getRequestPath();
  }

  @Override
  public Map<String, List<String>> queryParameters() {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
      parameters.put(e.getKey(), List.copyOf(e.getValue()));
    }
    return parameters;
  }

  @Override
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  @Override
  public List<String> headers(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null ? List.of() : List.copyOf(values);
  }

  @Override
  public Map<String, String> cookies() {
    return new LinkedHashMap<>(cookies);
  }

  @Override
  public Optional<String> bearerToken() {
    String authorization = header(Headers.AUTHORIZATION_STRING).orElse(null);
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      String token = authorization.substring(BEARER.length()).strip();
      if (!token.isEmpty()) {
        return Optional.of(token);
      }
    }
    Deque<String> query = exchange.getQueryParameters().get("access_token");
    return query == null || query.isEmpty() || query.getFirst().isEmpty()
        ? Optional.empty() : Optional.of(query.getFirst());
  }

  @Override
  public Optional<String> origin() {
    return header(Headers.ORIGIN_STRING);
  }

  @Override
  public SocketAddress remoteAddress() {
    return exchange.getSourceAddress();
  }

  @Override
  public Optional<Principal> tlsPeer() {
    return Optional.ofNullable(verifiedPeer(exchange.getConnection().getSslSession()));
  }

  /** The principal of a verified peer certificate in {@code session}, or null. */
  static Principal verifiedPeer(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      return session.getPeerPrincipal();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "upgrade request for " + path() + " from " + remoteAddress();
  }
}
