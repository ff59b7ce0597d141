package dev.pbj.websocket;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A {@code ws://host:port/path} or {@code wss://…} URI taken apart: where to listen or connect, and the path of the
 * WebSocket endpoint ({@value Settings#DEFAULT_PATH} when the URI names none, or only {@code /}).
 *
 * @param host the host name or address, IPv6 literals without brackets
 * @param query the URI's raw query, sent by a client with its upgrade request (an {@code access_token}, say); null
 *     without
 */
record Endpoint(boolean secure, String host, int port, String path, String query) {

  Endpoint(boolean secure, String host, int port, String path) {
    this(secure, host, port, path, null);
  }

  /**
   * @param listening whether the URI is for {@code listen}, which needs an explicit port (0: any free one); a
   *     client defaults to 80 for {@code ws} and 443 for {@code wss}
   * @throws IllegalArgumentException for a URI that is not {@code ws://} or {@code wss://} with a host
   */
  static Endpoint of(URI uri, boolean listening) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
    }
    String host = uri.getHost();
    if (host == null) {
      throw new IllegalArgumentException("no host in " + uri + " (expected " + scheme + "://host:port/path)");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // URI keeps the brackets of an IPv6 literal
    }
    boolean secure = scheme.equals("wss");
    int port = uri.getPort();
    if (port < 0) {
      if (listening) {
        throw new IllegalArgumentException("no port in " + uri + " (expected " + scheme
            + "://host:port/path; port 0 to listen on any)");
      }
      port = secure ? 443 : 80;
    }
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      path = Settings.DEFAULT_PATH;
    }
    return new Endpoint(secure, host, port, path, uri.getRawQuery());
  }

  /** The URI to connect to, the default path filled in. */
  URI uri() {
    try {
      URI base = new URI(secure ? "wss" : "ws", null, host, port, null, null, null).resolve(path);
      return query == null ? base : URI.create(base + "?" + query);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return (secure ? "wss://" : "ws://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
  }
}
