package dev.pbj.websocket;

import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * One provider's settings, as {@link WebSocketTransportProvider.Builder} validated them. Immutable, except that the
 * {@link SSLContext} is shared as given.
 *
 * @param ioThreads XNIO I/O threads of the server side
 * @param maxFrameSize the largest message either side accepts, in bytes
 * @param pingIntervalMillis quiet time before a ping; 0: no pings
 * @param idleTimeoutMillis silence before the peer is taken for dead; 0: never
 * @param closeGraceMillis how long a closing link waits for its messages to go out and for the peer's close frame
 * @param connectTimeout the client's limit for the TCP connect and the opening handshake together
 * @param origins which pages may open a WebSocket to the server
 * @param authenticator who may open one (null: anyone the origin check lets through)
 * @param upgradeHeaders headers a client sends with its upgrade request
 * @param staticResources what the server answers to plain GETs, by path
 * @param sslContext for {@code wss://}: the server's keys, the client's trust; {@code null}: no {@code wss://}
 *     listening, the JDK's default context for connecting
 */
record Settings(
    int ioThreads,
    int maxFrameSize,
    long pingIntervalMillis,
    long idleTimeoutMillis,
    long closeGraceMillis,
    Duration connectTimeout,
    OriginPolicy origins,
    UpgradeAuthenticator authenticator,
    Map<String, String> upgradeHeaders,
    Map<String, HttpRoutes.StaticResource> staticResources,
    SSLContext sslContext) {

  /** These settings with frames limited to {@code limit} bytes if that is lower (a connection's own limits). */
  Settings withMaxFrameSize(int limit) {
    return limit >= maxFrameSize ? this : new Settings(ioThreads, limit, pingIntervalMillis, idleTimeoutMillis,
        closeGraceMillis, connectTimeout, origins, authenticator, upgradeHeaders, staticResources, sslContext);
  }

  /** The path of the WebSocket endpoint when a URI names none. */
  static final String DEFAULT_PATH = "/pb";
}
