package dev.pbj.websocket;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A WebSocket upgrade request as an {@link UpgradeAuthenticator} sees it. */
public interface UpgradeRequest {

  /** The request path, e.g. {@code /pb}. */
  String path();

  /** The query parameters, each name with its values in order; empty without a query. */
  Map<String, List<String>> queryParameters();

  /** The first value of header {@code name} (case-insensitive), if sent. */
  Optional<String> header(String name);

  /** Every value of header {@code name} (case-insensitive), in order. */
  List<String> headers(String name);

  /** The request's cookies by name. */
  Map<String, String> cookies();

  /**
   * The token of an {@code Authorization: Bearer …} header, else of an {@code access_token} query parameter (what a
   * browser page can send), if either is present.
   */
  Optional<String> bearerToken();

  /** The {@code Origin} header (already accepted by the origin check), if sent. */
  Optional<String> origin();

  /** The address the request came from. */
  SocketAddress remoteAddress();

  /** The principal of the client's verified TLS certificate ({@code wss://} with client certificates), if any. */
  Optional<java.security.Principal> tlsPeer();
}
