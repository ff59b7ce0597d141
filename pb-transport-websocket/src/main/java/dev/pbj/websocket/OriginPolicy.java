package dev.pbj.websocket;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser pages may open a WebSocket to the server, judged by the upgrade request's {@code Origin} header.
 * Browsers send it and let any page connect anywhere; the check is what stops a page from another site driving a
 * user's local server. A request without an {@code Origin} comes from a program, not a page, and is always allowed.
 *
 * <ul>
 *   <li>{@link #sameOriginAndLoopback()} (the default): the page's origin has the same host and port as the request's
 *       {@code Host} header, or its host is {@code localhost}, {@code 127.0.0.1} or {@code [::1]} (any port).
 *       Note that the same-origin rule trusts the {@code Host} header, which DNS rebinding controls: a server
 *       reachable beyond loopback should name its origins with {@link #exactly}.
 *   <li>{@link #exactly}: only the listed origins ({@code https://example.com}, {@code http://127.0.0.1:8790}),
 *       compared by scheme, host and port, default ports filled in.
 *   <li>{@link #any()}: every origin.
 * </ul>
 *
 * Immutable and thread-safe.
 */
final class OriginPolicy {

  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

  private enum Kind { SAME_ORIGIN_AND_LOOPBACK, EXACT, ANY }

  private final Kind kind;
  private final Set<String> origins; // normalized scheme://host:port, for EXACT

  private OriginPolicy(Kind kind, Set<String> origins) {
    this.kind = kind;
    this.origins = origins;
  }

  static OriginPolicy sameOriginAndLoopback() {
    return new OriginPolicy(Kind.SAME_ORIGIN_AND_LOOPBACK, Set.of());
  }

  static OriginPolicy any() {
    return new OriginPolicy(Kind.ANY, Set.of());
  }

  /**
   * Only these origins.
   *
   * @throws IllegalArgumentException for an entry that is not {@code scheme://host[:port]}
   */
  static OriginPolicy exactly(List<String> origins) {
    Set<String> normalized = new LinkedHashSet<>();
    for (String origin : origins) {
      String key = normalize(origin);
      if (key == null) {
        throw new IllegalArgumentException("allowedOrigins: '" + origin
            + "' is not an origin (expected scheme://host[:port], e.g. https://example.com)");
      }
      normalized.add(key);
    }
    return new OriginPolicy(Kind.EXACT, Set.copyOf(normalized));
  }

  /**
   * Whether a request may upgrade.
   *
   * @param origin the {@code Origin} header, or {@code null} when absent
   * @param host the {@code Host} header, or {@code null} when absent
   * @param secure whether the request came over TLS (the default port of {@code host} is then 443)
   */
  boolean allows(String origin, String host, boolean secure) {
    if (origin == null || kind == Kind.ANY) {
      return true;
    }
    String key = normalize(origin);
    if (key == null) {
      return false; // "null" (sandboxed pages, file://) or garbage
    }
    if (kind == Kind.EXACT) {
      return origins.contains(key);
    }
    URI page = URI.create(key);
    if (LOOPBACK_HOSTS.contains(page.getHost())) {
      return true;
    }
    String hostAndPort = hostAndPort(host, secure);
    return hostAndPort != null && hostAndPort.equals(page.getHost() + ":" + page.getPort());
  }

  /** The rule in words, for the refusal's message. */
  String describe() {
    return switch (kind) {
      case ANY -> "any origin";
      case EXACT -> "requests without an Origin and the origins " + new ArrayList<>(origins)
          + " (WebSocketTransportProvider.Builder.allowedOrigins)";
      case SAME_ORIGIN_AND_LOOPBACK -> "requests without an Origin, its own origin, and pages on localhost, "
          + "127.0.0.1 or [::1] (WebSocketTransportProvider.Builder.allowedOrigins to name others)";
    };
  }

  @Override
  public String toString() {
    return "OriginPolicy[" + describe() + "]";
  }

  /** {@code scheme://host:port} in lower case with the default port filled in, or {@code null}. */
  private static String normalize(String origin) {
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
        || uri.getRawFragment() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()
            || uri.getRawPath().equals("/"))) {
      return null;
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme);
    if (port < 0) {
      return null;
    }
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "http", "ws" -> 80;
      case "https", "wss" -> 443;
      default -> -1;
    };
  }

  /** A {@code Host} header as {@code host:port} in lower case with the default port filled in. */
  private static String hostAndPort(String host, boolean secure) {
    if (host == null || host.isBlank()) {
      return null;
    }
    URI parsed;
    try {
      parsed = new URI("http://" + host.trim());
    } catch (URISyntaxException e) {
      return null;
    }
    if (parsed.getHost() == null) {
      return null;
    }
    int port = parsed.getPort() >= 0 ? parsed.getPort() : secure ? 443 : 80;
    return parsed.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }
}
