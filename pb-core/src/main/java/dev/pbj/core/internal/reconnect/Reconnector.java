package dev.pbj.core.internal.reconnect;

import dev.pbj.Broker;
import dev.pbj.ConnectionEvent;
import dev.pbj.ConnectionLostException;
import dev.pbj.ConnectionState;
import dev.pbj.DeadReferenceException;
import dev.pbj.NotConnectedException;
import dev.pbj.Reconnect;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.endpoint.Timers;
import dev.pbj.core.internal.endpoint.Workers;
import dev.pbj.cred.UnauthorizedLoginException;
import dev.pbj.cred.UnhandledCredentialsException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a connection to one URI (what {@code KeptConnection} shows): attempts, backoff between them on the shared
 * timer, the login redone on each connection, the calls that wait for one, and the state its listeners follow.
 *
 * <p>Its state is guarded by its own lock, which is never held while user code or a connection's code runs: each
 * transition queues its events ({@link ConnectionEvents}) and collects what it must do afterwards (settle futures,
 * send waiting calls, close a connection), which runs once the lock is released. Timer tasks only hand work on to the
 * executor. Every attempt carries a token; an outcome whose token is no longer the current one (a timeout won, the
 * handle closed) is discarded and its connection closed.
 */
public final class Reconnector {
  private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

  /** One connection and, with a login, its avatar. */
  private record Session(Broker broker, RemoteReference avatar) {
    void close() {
      if (avatar != null) {
        avatar.close(); // logs out first, in its turn
      }
      broker.close();
    }
  }

  private final URI uri;
  private final Reconnect options;
  private final Function<URI, CompletableFuture<Broker>> connector;
  private final Executor executor;
  private final Duration defaultDeadline;
  private final Consumer<Reconnector> terminated;
  private final ConnectionEvents events;
  private final KeptCalls calls;

  // guarded by this
  private ConnectionState state = ConnectionState.CONNECTING;
  private long token;
  private int attempts;
  private int waits;
  private long outageStartNanos;
  private boolean stopping;
  private Session current;
  private Broker lastBroker;
  private Throwable lastCause;
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> attemptTimer;
  private final List<CompletableFuture<Broker>> connectWaiters = new ArrayList<>();

  /**
   * @param connector opens one connection (the client's {@code connect})
   * @param executor where listeners, callbacks and attempts run
   * @param defaultDeadline the client's default deadline of calls (null: none)
   * @param terminated told once this gives up or closes
   */
  public Reconnector(URI uri, Reconnect options, Function<URI, CompletableFuture<Broker>> connector,
      Executor executor, Duration defaultDeadline, Consumer<Reconnector> terminated) {
    this.uri = uri;
    this.options = options;
    this.connector = connector;
    this.executor = executor;
    this.defaultDeadline = defaultDeadline;
    this.terminated = terminated;
    this.events = new ConnectionEvents(executor);
    this.calls = new KeptCalls(uri, executor);
  }

  /** Makes the first attempt; once. */
  public void start() {
    long attempt;
    synchronized (this) {
      if (state.isTerminal() || token != 0) {
        return;
      }
      outageStartNanos = System.nanoTime();
      attempts = 1;
      attempt = ++token;
      events.publish(new ConnectionEvent(ConnectionState.CONNECTING, 1, null, null, null));
    }
    events.flush();
    attempt(attempt);
  }

  public URI uri() {
    return uri;
  }

  public Reconnect options() {
    return options;
  }

  public synchronized ConnectionState state() {
    return state;
  }

  /** The event that brought the current state. */
  public ConnectionEvent lastEvent() {
    return events.current();
  }

  /** The connection of the moment, if connected. */
  public synchronized Optional<Broker> broker() {
    return current == null ? Optional.empty() : Optional.of(current.broker);
  }

  /** A new handle on the root of whichever connection is current. */
  public RemoteReference root() {
    return new StableReference(this, KeptCall.Target.ROOT);
  }

  /** A new handle on the avatar of whichever connection is current; only with a login. */
  public RemoteReference avatar() {
    if (options.login().isEmpty()) {
      throw new IllegalStateException("no avatar: the connection to " + uri + " is kept without a login; configure "
          + "one with Reconnect.builder().login(user, password, mind) or loginAnonymous(mind)");
    }
    return new StableReference(this, KeptCall.Target.AVATAR);
  }

  /** The current connection, or the next; fails with {@link NotConnectedException} once given up or closed. */
  public CompletableFuture<Broker> whenConnected() {
    CompletableFuture<Broker> next = new CompletableFuture<>();
    synchronized (this) {
      if (current != null && current.broker.isConnected()) {
        next.complete(current.broker);
      } else if (state.isTerminal()) {
        next.completeExceptionally(terminalFailure("no connection will be made"));
      } else {
        connectWaiters.add(next);
        // a caller that stops waiting (a timeout, a cancel) is forgotten at once
        next.whenComplete((broker, error) -> {
          synchronized (this) {
            connectWaiters.remove(next);
          }
        });
      }
    }
    return next;
  }

  public void addListener(Consumer<? super ConnectionEvent> listener) {
    events.add(listener);
    events.flush();
  }

  public void removeListener(Consumer<? super ConnectionEvent> listener) {
    events.remove(listener);
  }

  /** Stops reconnecting and closes the current connection; idempotent. */
  public void close() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      Session session = current;
      enterClosed(after);
      if (session != null) {
        List<ConnectionEvents.DisconnectCallback> callbacks = events.disconnectCallbacks();
        after.add(() -> {
          session.close();
          session.broker.closeFuture().whenComplete((v, e) -> events.runDisconnectCallbacks(callbacks));
        });
      }
    }
    finish(after);
  }

  /**
   * For the client's graceful shutdown: no new attempt; the current connection, if any, is left to the client to
   * drain and close, and this closes when it goes.
   */
  public void stop() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (state.isTerminal()) {
        return;
      }
      stopping = true;
      if (current == null) {
        enterClosed(after);
      }
    }
    finish(after);
  }

  // ---- attempts

  /** Runs attempt {@code attempt}: connect, then log in; its outcome goes to {@link #attemptDone}. */
  private void attempt(long attempt) {
    CompletableFuture<Broker> connecting;
    try {
      connecting = connector.apply(uri);
    } catch (Throwable e) {
      connecting = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Broker> connection = connecting;
    CompletableFuture<Session> session = connection.thenCompose(this::logIn);
    Duration limit = options.attemptTimeout();
    ScheduledFuture<?> timeout = Timers.schedule(() -> Workers.runOn(executor, () -> {
      if (attemptDone(attempt, null, new TimeoutException("connection attempt to " + uri + " took longer than "
          + "its attemptTimeout of " + limit))) {
        connection.thenAccept(Broker::close); // whenever it is made, it is too late
      }
    }), limit.toNanos());
    synchronized (this) {
      if (attempt == token) {
        attemptTimer = timeout;
      } else {
        timeout.cancel(false); // closed meanwhile
      }
    }
    session.whenComplete((made, error) -> {
      timeout.cancel(false);
      attemptDone(attempt, made, error);
    });
  }

  private CompletableFuture<Session> logIn(Broker broker) {
    Optional<Function<Broker, CompletionStage<RemoteReference>>> login = options.login();
    if (login.isEmpty()) {
      return CompletableFuture.completedFuture(new Session(broker, null));
    }
    CompletableFuture<RemoteReference> avatar;
    try {
      avatar = login.get().apply(broker).toCompletableFuture();
    } catch (Throwable e) {
      avatar = CompletableFuture.failedFuture(e);
    }
    return avatar.handle((made, error) -> {
      if (error != null || made == null) {
        broker.close(); // a connection without its login is of no use here
        throw error != null ? new CompletionException(KeptCalls.unwrap(error))
            : new CompletionException(new IllegalStateException("the login step answered no avatar"));
      }
      return new Session(broker, made);
    });
  }

  /** The outcome of attempt {@code attempt}; false if it came too late to count (its connection is then closed). */
  private boolean attemptDone(long attempt, Session made, Throwable error) {
    List<Runnable> after = new ArrayList<>();
    boolean counted;
    synchronized (this) {
      counted = attempt == token && state == ConnectionState.CONNECTING;
      if (!counted) {
        if (made != null) {
          after.add(made::close);
        }
      } else if (error != null) {
        failed(KeptCalls.unwrap(error), after);
      } else {
        connected(made, after);
      }
    }
    finish(after);
    return counted;
  }

  private void failed(Throwable cause, List<Runnable> after) {
    lastCause = cause;
    if (cause instanceof UnauthorizedLoginException || cause instanceof UnhandledCredentialsException) {
      giveUp(cause, after); // the same credentials would be refused again
    } else {
      log.debug("attempt {} to connect to {} failed: {}", attempts, uri, cause.toString());
      scheduleNext(cause, attempts, null, after);
    }
  }

  private void connected(Session made, List<Runnable> after) {
    state = ConnectionState.CONNECTED;
    current = made;
    lastBroker = made.broker;
    int attempt = attempts;
    attempts = 0;
    waits = 0;
    log.info("connected to {} ({}) on attempt {}", uri, made.broker.remoteAddress(), attempt);
    events.publish(new ConnectionEvent(ConnectionState.CONNECTED, attempt, made.broker, null, null));
    List<KeptCall> ready = calls.takeAll();
    List<CompletableFuture<Broker>> told = new ArrayList<>(connectWaiters);
    connectWaiters.clear();
    after.add(() -> {
      made.broker.notifyOnDisconnect(() -> lost(made));
      told.forEach(waiter -> waiter.complete(made.broker));
      ready.forEach(call -> submit(call, false));
    });
  }

  /** The connection of {@code session} closed (any thread). */
  private void lost(Session session) {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (current != session) {
        return; // closed by close(), or long replaced
      }
      current = null;
      Throwable cause = new ConnectionLostException("connection to " + uri + " (" + session.broker.remoteAddress()
          + ") lost", null);
      lastCause = cause;
      List<ConnectionEvents.DisconnectCallback> callbacks = events.disconnectCallbacks();
      after.add(() -> events.runDisconnectCallbacks(callbacks));
      if (stopping) {
        enterClosed(after);
      } else {
        log.info("connection to {} lost; reconnecting", uri);
        outageStartNanos = System.nanoTime();
        scheduleNext(cause, 0, session.broker, after);
      }
    }
    finish(after);
  }

  /** After a failed attempt ({@code failedAttempt} > 0) or a loss (0): waits, or gives up. */
  private void scheduleNext(Throwable cause, int failedAttempt, Broker lostBroker, List<Runnable> after) {
    if (options.maxAttempts().isPresent() && failedAttempt >= options.maxAttempts().getAsInt()) {
      giveUp(cause, after);
      return;
    }
    Duration delay = Backoff.delay(options, ++waits);
    if (options.giveUpAfter().isPresent()) {
      Duration left = options.giveUpAfter().get().minusNanos(System.nanoTime() - outageStartNanos);
      if (failedAttempt > 0 && (left.isNegative() || left.isZero())) {
        giveUp(cause, after);
        return;
      }
      if (left.compareTo(delay) < 0) {
        delay = left.isNegative() ? Duration.ZERO : left; // the last attempt starts when the time is up
      }
    }
    state = ConnectionState.DISCONNECTED;
    events.publish(new ConnectionEvent(ConnectionState.DISCONNECTED, failedAttempt, lostBroker, cause, delay));
    long next = ++token;
    retryTimer = Timers.schedule(() -> Workers.runOn(executor, () -> beginAttempt(next)), delay.toNanos());
  }

  private void beginAttempt(long attempt) {
    synchronized (this) {
      if (attempt != token || state != ConnectionState.DISCONNECTED) {
        return;
      }
      retryTimer = null;
      state = ConnectionState.CONNECTING;
      attempts++;
      events.publish(new ConnectionEvent(ConnectionState.CONNECTING, attempts, null, null, null));
    }
    events.flush();
    attempt(attempt);
  }

  private void giveUp(Throwable cause, List<Runnable> after) {
    int failed = attempts;
    log.warn("gave up keeping a connection to {} after {} failed attempt(s): {}", uri, failed, cause.toString());
    state = ConnectionState.GAVE_UP;
    lastCause = cause;
    token++;
    cancelTimers();
    events.publish(new ConnectionEvent(ConnectionState.GAVE_UP, failed, null, cause, null));
    failWaiting(after);
    after.add(() -> terminated.accept(this));
  }

  /** Under the lock: no more attempts, no connection; what waits fails. */
  private void enterClosed(List<Runnable> after) {
    boolean wasTerminal = state.isTerminal();
    state = ConnectionState.CLOSED;
    current = null;
    token++;
    cancelTimers();
    events.publish(new ConnectionEvent(ConnectionState.CLOSED, 0, null, null, null));
    failWaiting(after);
    if (!wasTerminal) {
      after.add(() -> terminated.accept(this));
    }
  }

  private void cancelTimers() {
    for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {retryTimer, attemptTimer}) {
      if (timer != null) {
        timer.cancel(false);
      }
    }
    retryTimer = null;
    attemptTimer = null;
  }

  private void failWaiting(List<Runnable> after) {
    List<CompletableFuture<Broker>> told = new ArrayList<>(connectWaiters);
    connectWaiters.clear();
    NotConnectedException failure = terminalFailure("no connection will be made");
    after.add(() -> told.forEach(waiter -> waiter.completeExceptionally(failure)));
    for (KeptCall call : calls.takeAll()) {
      NotConnectedException notSent = terminalFailure("call of " + call + " not sent");
      after.add(() -> calls.settle(call, null, notSent));
    }
  }

  /** Under the lock: why nothing will be sent any more. */
  private NotConnectedException terminalFailure(String what) {
    return state == ConnectionState.CLOSED
        ? new NotConnectedException("the kept connection to " + uri + " was closed: " + what, lastCause)
        : new NotConnectedException("gave up keeping a connection to " + uri + ": " + what, lastCause);
  }

  /** Runs the collected work with no lock held, the events first. */
  private void finish(List<Runnable> after) {
    events.flush();
    for (Runnable task : after) {
      task.run();
    }
  }

  // ---- calls (StableReference's)

  /**
   * Sends {@code call} through the current connection, makes it wait for the next, or fails it, as configured. From
   * the caller's own thread ({@code fresh}: its future not yet given out) a failure completes the future before this
   * returns; later, on the executor, since the caller's code may depend on it.
   */
  void submit(KeptCall call, boolean fresh) {
    Session session;
    Throwable failure;
    synchronized (this) {
      if (call.future.isDone()) {
        return; // cancelled by its caller while it waited
      }
      session = current != null && current.broker.isConnected() ? current : null;
      if (session != null) {
        failure = null;
      } else if (state == ConnectionState.CLOSED) {
        failure = new DeadReferenceException("the kept connection to " + uri + " is closed; call of " + call
            + " not sent");
      } else if (state.isTerminal()) {
        failure = terminalFailure("call of " + call + " not sent");
      } else if (options.whileDisconnected() == Reconnect.WhileDisconnected.FAIL_FAST) {
        failure = new NotConnectedException("not connected to " + uri + " (" + state + "); call of " + call
            + " not sent", lastCause);
      } else {
        failure = calls.await(call); // under this lock: no connection comes between the check and the wait
        if (failure == null) {
          return; // waiting
        }
      }
    }
    if (failure != null && fresh) {
      call.future.completeExceptionally(failure);
    } else if (failure != null) {
      calls.settle(call, null, failure);
    } else {
      calls.send(session.broker, session.avatar, call, cause -> notSent(session, call, cause));
    }
  }

  /**
   * {@code call} met a connection that had just closed and was not sent: it is treated as made while disconnected
   * (waits for the next connection, or fails), the connection's loss being noted first.
   */
  private void notSent(Session session, KeptCall call, Throwable cause) {
    log.debug("call of {} met the connection to {} closing and was not sent: {}", call, uri, cause.toString());
    lost(session); // noticed here before the connection's own callback says so
    submit(call, false);
  }

  /** The deadline of calls through a reference without one of its own. */
  Duration defaultDeadline() {
    return defaultDeadline;
  }

  /** The connection of the moment, else the last one; throws if there has been none. */
  synchronized Broker currentOrLastBroker() {
    if (current != null) {
      return current.broker;
    }
    if (lastBroker != null) {
      return lastBroker;
    }
    throw new NotConnectedException("no connection to " + uri + " has been made yet (" + state + ")", lastCause);
  }

  void notifyOnDisconnect(StableReference reference, Consumer<? super RemoteReference> callback) {
    ConnectionEvents.DisconnectCallback entry = new ConnectionEvents.DisconnectCallback(reference, callback);
    synchronized (this) {
      if (!state.isTerminal()) {
        events.addDisconnectCallback(entry);
        return;
      }
    }
    events.runDisconnectCallbacks(List.of(entry)); // no connection will ever close again: "at once"
  }

  void dontNotifyOnDisconnect(StableReference reference, Consumer<? super RemoteReference> callback) {
    events.removeDisconnectCallback(new ConnectionEvents.DisconnectCallback(reference, callback));
  }

  @Override
  public synchronized String toString() {
    return "kept connection to " + uri + " (" + state + ")";
  }
}
