package dev.pbj.core.internal.tables;

import dev.pbj.Broker;
import dev.pbj.DeadReferenceException;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.connection.BrokerImpl;
import dev.pbj.core.internal.dispatch.Coercion;
import dev.pbj.core.internal.dispatch.Dispatcher;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A handle on one of the peer's objects: its luid, or the name {@code "root"} for the root object, which is never
 * counted nor released. Each reference received is a handle of its own (see {@link ImportTable}); handles of one
 * remote object are equal, and closing one leaves the others working.
 */
public final class RemoteReferenceImpl implements RemoteReference {
  final BrokerImpl broker;
  /** A {@code Long} luid or the {@code String} name. */
  final Object id;
  /** Null for named objects. */
  final ImportTable.Handle state;
  /** The deadline of calls made through this view; null: the broker's default. */
  private final Duration deadline;

  public RemoteReferenceImpl(BrokerImpl broker, Object id, ImportTable.Handle state) {
    this(broker, id, state, null);
  }

  private RemoteReferenceImpl(BrokerImpl broker, Object id, ImportTable.Handle state, Duration deadline) {
    this.broker = broker;
    this.id = id;
    this.state = state;
    this.deadline = deadline;
  }

  @Override
  public RemoteReference withDeadline(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("deadline must be positive: " + timeout);
    }
    return new RemoteReferenceImpl(broker, id, state, timeout);
  }

  @Override
  public CompletableFuture<Object> callRemote(String method, Object... args) {
    Objects.requireNonNull(method, "method");
    if (state != null && state.isReleased()) {
      return CompletableFuture.failedFuture(new DeadReferenceException(
          "this reference to remote object " + id + " was closed"));
    }
    return broker.call(this, id, method, args, true, deadline);
  }

  @Override
  public <T> CompletableFuture<T> callRemote(Class<T> resultType, String method, Object... args) {
    Objects.requireNonNull(resultType, "resultType");
    return callRemote(method, args).thenApply(value -> {
      Object converted = Coercion.coerce(value, resultType);
      if (converted == Coercion.NO_MATCH) {
        throw new ClassCastException("answer of " + method + " is " + Dispatcher.describe(value) + " " + value
            + ", not " + resultType.getName());
      }
      @SuppressWarnings("unchecked")
      T result = (T) Coercion.box(resultType).cast(converted);
      return result;
    });
  }

  @Override
  public void callRemoteNoAnswer(String method, Object... args) {
    Objects.requireNonNull(method, "method");
    if (state != null && state.isReleased()) {
      throw new DeadReferenceException("this reference to remote object " + id + " was closed");
    }
    // Not waited for: the message is encoded in the connection's context, which may be the caller's own.
    CompletableFuture<Object> sent = broker.call(this, id, method, args, false, null);
    if (sent.isCompletedExceptionally()) {
      sent.join(); // throws the CompletionException that says why
    }
  }

  @Override
  public Broker broker() {
    return broker;
  }

  @Override
  public void notifyOnDisconnect(Consumer<? super RemoteReference> callback) {
    broker.notifyOnDisconnect(new ReferenceCallback(this, callback));
  }

  @Override
  public void dontNotifyOnDisconnect(Consumer<? super RemoteReference> callback) {
    broker.dontNotifyOnDisconnect(new ReferenceCallback(this, callback));
  }

  @Override
  public void close() {
    if (state != null) {
      state.run();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemoteReferenceImpl && ((RemoteReferenceImpl) o).broker == broker
        && ((RemoteReferenceImpl) o).id.equals(id);
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(broker) * 31 + id.hashCode();
  }

  @Override
  public String toString() {
    return "RemoteReference(" + id + " via " + broker.remoteAddress() + ")";
  }

  /** A reference's disconnect callback, equal to another for the same reference and consumer. */
  private record ReferenceCallback(RemoteReferenceImpl reference, Consumer<? super RemoteReference> callback)
      implements Runnable {
    @Override
    public void run() {
      callback.accept(reference);
    }
  }
}
