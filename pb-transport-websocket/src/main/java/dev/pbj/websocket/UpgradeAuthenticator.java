package dev.pbj.websocket;

/**
 * Decides who may open a PB connection over WebSocket, from the upgrade request: its headers, cookies, a bearer
 * token. It runs after the {@code Origin} check and before the handshake, so a refused request never becomes a
 * connection:
 *
 * <pre>{@code
 * WebSocketTransportProvider.builder()
 *     .upgradeAuthenticator(request -> request.bearerToken()
 *         .flatMap(tokens::userFor)
 *         .orElseThrow(() -> UpgradeRefusedException.unauthorized("a valid bearer token is required")))
 *     .build();
 * }</pre>
 *
 * What it returns is the connection's {@link dev.pbj.Broker#peerIdentity()}, which inbound
 * {@link dev.pbj.CallInterceptor}s and the realm's code can see. It runs on an I/O thread: it must be quick and must
 * not block (look tokens up in memory, not over the network). Browsers cannot set headers on a WebSocket, so a page
 * authenticates with a cookie or the {@code access_token} query parameter; programs may send {@code Authorization}.
 */
@FunctionalInterface
public interface UpgradeAuthenticator {

  /**
   * The identity of the peer making {@code request} (not null), or throws to refuse it with the exception's status.
   * Any other exception refuses with 500 and is logged.
   */
  Object authenticate(UpgradeRequest request) throws UpgradeRefusedException;
}
