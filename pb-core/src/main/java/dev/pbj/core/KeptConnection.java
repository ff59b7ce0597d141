package dev.pbj.core;

import dev.pbj.Broker;
import dev.pbj.ConnectionEvent;
import dev.pbj.ConnectionState;
import dev.pbj.NotConnectedException;
import dev.pbj.Reconnect;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.reconnect.Reconnector;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A connection a {@link PbClient} keeps to one URI (Twisted's {@code ReconnectingClientFactory} with a
 * {@code PBClientFactory}): when it is lost, or an attempt fails, the client tries again after a backoff, logs in
 * again with the same credentials, and fetches the root and the avatar again, as {@link Reconnect} configures.
 *
 * <pre>{@code
 * KeptConnection kept = client.keepConnected("tcp://127.0.0.1:8789",
 *     Reconnect.builder().login("alice", "wonderland", null).build());
 * RemoteReference avatar = kept.avatar();             // one handle, whichever connection is current
 * avatar.callRemote("whoami");
 * }</pre>
 *
 * <p><b>What follows reconnects.</b> Only {@link #root()} and {@link #avatar()} do: each call through them goes to
 * the root or avatar of the connection current when it is sent. A reference obtained <em>through</em> a connection
 * (the answer of a call, a reference passed to a callback) belongs to that connection and dies with it: calls
 * through it then fail with {@link dev.pbj.DeadReferenceException}, and calls pending on it with
 * {@link dev.pbj.ConnectionLostException}. Fetch such references again once {@link ConnectionState#CONNECTED} is
 * announced. A call already sent when its connection drops fails with {@code ConnectionLostException} and is never
 * resent (it may have run); a call made while there is no connection fails at once with
 * {@link NotConnectedException} or waits for the next connection, as {@link Reconnect.WhileDisconnected} says.
 *
 * <p><b>Lifetime.</b> The first attempt starts when {@link PbClient#keepConnected} returns. {@link #close()} stops
 * the attempts and closes the current connection (logging out); closing the client closes it too, and shutting the
 * client down lets the current connection drain and then closes it. Listeners are told each state change, one at a
 * time, in order, on the client's executor. Thread-safe; it owns no thread (its waits run on PBJ's shared timer).
 */
public final class KeptConnection implements AutoCloseable {
  private final Reconnector reconnector;

  KeptConnection(Reconnector reconnector) {
    this.reconnector = reconnector;
  }

  /** The URI this connection is kept to. */
  public URI uri() {
    return reconnector.uri();
  }

  /** The options it was kept with. */
  public Reconnect options() {
    return reconnector.options();
  }

  /** Where it stands now. */
  public ConnectionState state() {
    return reconnector.state();
  }

  /** The event that brought the current state (for a {@link ConnectionState#DISCONNECTED} state, its cause). */
  public ConnectionEvent lastEvent() {
    return reconnector.lastEvent();
  }

  /** The connection of the moment; empty unless {@link ConnectionState#CONNECTED}. */
  public Optional<Broker> broker() {
    return reconnector.broker();
  }

  /**
   * A handle on the server's root that follows reconnects: each call goes to the root of the connection current when
   * it is sent. Each call of this method gives a handle of its own, all equal: closing one makes calls through it
   * fail with {@link dev.pbj.DeadReferenceException} and leaves the others and the connection alone.
   * {@link RemoteReference#withDeadline} views share their handle and bound a call's wait for a connection too.
   * {@link RemoteReference#broker()} is the current connection, else the last one (closed), and throws
   * {@link NotConnectedException} before the first. {@link RemoteReference#notifyOnDisconnect} callbacks run each
   * time a connection is lost or closed by {@link #close()}, and at once if the kept connection has already given up
   * or closed.
   */
  public RemoteReference root() {
    return reconnector.root();
  }

  /**
   * A handle on the avatar that the login of {@link Reconnect.Builder#login} (or its anonymous or custom form)
   * answered, done again on every connection; otherwise as {@link #root()}. Closing a handle does not log out: the
   * avatar is this connection's, released when it closes or its connection is lost.
   *
   * @throws IllegalStateException if the options have no login
   */
  public RemoteReference avatar() {
    return reconnector.avatar();
  }

  /**
   * Completes with the current connection, at once if connected, else with the next one made (and logged in); fails
   * with {@link NotConnectedException} once the kept connection gives up or closes. Each call gives a future of its
   * own, which the caller may cancel.
   */
  public CompletableFuture<Broker> whenConnected() {
    return reconnector.whenConnected();
  }

  /**
   * Waits up to {@code timeout} for {@link #whenConnected()}.
   *
   * @throws TimeoutException if no connection was made within {@code timeout}
   * @throws NotConnectedException if the kept connection gave up or was closed first
   */
  public Broker awaitConnected(Duration timeout) throws InterruptedException, TimeoutException {
    CompletableFuture<Broker> next = whenConnected();
    try {
      return next.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
          : new NotConnectedException("no connection to " + uri(), e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      next.cancel(false);
      throw e;
    }
  }

  /**
   * Tells {@code listener} the current state at once (the {@link #lastEvent()}), then every change after it, one
   * event at a time in order, on the client's executor. A listener that throws is logged and kept.
   */
  public void addListener(Consumer<? super ConnectionEvent> listener) {
    reconnector.addListener(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /** Stops telling {@code listener}; events already due to it may still arrive. Unknown listeners are ignored. */
  public void removeListener(Consumer<? super ConnectionEvent> listener) {
    reconnector.removeListener(listener);
  }

  /**
   * Stops reconnecting and closes the current connection, if any; calls waiting for a connection fail with
   * {@link NotConnectedException}, later calls through {@link #root()} and {@link #avatar()} with
   * {@link dev.pbj.DeadReferenceException}. Ends in {@link ConnectionState#CLOSED}; idempotent.
   */
  @Override
  public void close() {
    reconnector.close();
  }

  @Override
  public String toString() {
    return reconnector.toString();
  }
}
