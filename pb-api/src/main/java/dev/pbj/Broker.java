package dev.pbj;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One side of one PB connection (Twisted's {@code Broker}): it tracks the objects each side exported to the
 * other, the calls waiting for answers, and the connection's state. Both sides of a connection have one; after
 * the opening exchange they are symmetric, each able to call the other's objects.
 *
 * <p>Thread-safe. Closing is graceful: buffered messages are written, then the connection closes, every
 * pending call fails with {@link ConnectionLostException} and disconnect callbacks run.
 */
public interface Broker extends AutoCloseable {

  /** The peer's root object (its object named {@code "root"}); no round trip, never reference-counted. */
  RemoteReference rootObject();

  /**
   * Logs in with PB's challenge–response (Twisted's {@code PBClientFactory.login}) and returns the avatar, whose
   * methods the server serves for this user. {@code mind} (may be null) is an object of this side that the
   * server's realm may call. Fails with {@link dev.pbj.cred.UnauthorizedLoginException} for a wrong password or
   * unknown user; the connection stays usable. Keep the avatar reference open for the session: closing it logs
   * out.
   */
  CompletableFuture<RemoteReference> login(String username, String password, Referenceable mind);

  /** Logs in anonymously (Twisted's {@code Anonymous} credentials); see {@link #login}. */
  CompletableFuture<RemoteReference> loginAnonymous(Referenceable mind);

  /** Whether the connection is open. */
  boolean isConnected();

  /** The serializer in use, e.g. {@code banana}. */
  String serializer();

  /** The dialect negotiated at connection start, e.g. {@code pb}. */
  String dialect();

  /** The peer's address. */
  SocketAddress remoteAddress();

  /**
   * Runs {@code callback} once the connection has closed (at once if it already has), in registration order,
   * off the I/O threads.
   */
  void notifyOnDisconnect(Runnable callback);

  /** Removes a callback added by {@link #notifyOnDisconnect(Runnable)}; unknown callbacks are ignored. */
  void dontNotifyOnDisconnect(Runnable callback);

  /** Completes when the connection has closed and every pending call has failed. */
  CompletableFuture<Void> closeFuture();

  /**
   * Who the transport established the peer to be, before any PB login: the principal of a TLS client certificate
   * (mutual TLS), or what a WebSocket upgrade authenticator accepted; empty when the transport knows nothing. An
   * inbound {@link CallInterceptor} may authorize by it.
   */
  default java.util.Optional<Object> peerIdentity() {
    return java.util.Optional.empty();
  }

  /** What the connection has carried so far: bytes either way and back-pressure pauses. */
  default TrafficStats traffic() {
    return TrafficStats.NONE;
  }

  /**
   * Completes once the connection can take more output: at once while what was sent so far (calls made before
   * this one included) is under the transport's high water mark ({@link Limits#outboundHighWaterMark()}), else
   * when it has drained below the low one; fails with {@link ConnectionLostException} if the connection goes
   * first. For producers that pace themselves by the peer's reading, as {@code dev.pbj.core.paging.Pager} does;
   * completed on the executor.
   */
  default CompletableFuture<Void> whenWritable() {
    return isConnected() ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(new ConnectionLostException("connection to " + remoteAddress()
            + " is closed", null));
  }

  /** A snapshot of the connection's tables, for monitoring and leak checks in tests. */
  BrokerStats stats();

  /** Closes the connection gracefully; idempotent. */
  @Override
  void close();
}
