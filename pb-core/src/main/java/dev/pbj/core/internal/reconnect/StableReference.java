package dev.pbj.core.internal.reconnect;

import dev.pbj.Broker;
import dev.pbj.DeadReferenceException;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.dispatch.Coercion;
import dev.pbj.core.internal.dispatch.Dispatcher;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A kept connection's {@code root()} or {@code avatar()}: a handle that sends each call through whichever connection
 * is current, so that it survives reconnects (see {@link Reconnector#submit}). Each handle given out is its own:
 * closing it makes later calls through it fail with {@link DeadReferenceException} and releases nothing remote (the
 * root is never counted; the avatar is the kept connection's, logged out when it closes). Handles on the same target
 * of the same kept connection are equal.
 */
final class StableReference implements RemoteReference {
  private final Reconnector kept;
  private final KeptCall.Target target;
  /** Null: the client's default. */
  private final Duration deadline;
  /** Shared with the views {@link #withDeadline} makes. */
  private final AtomicBoolean closed;

  StableReference(Reconnector kept, KeptCall.Target target) {
    this(kept, target, null, new AtomicBoolean());
  }

  private StableReference(Reconnector kept, KeptCall.Target target, Duration deadline, AtomicBoolean closed) {
    this.kept = kept;
    this.target = target;
    this.deadline = deadline;
    this.closed = closed;
  }

  @Override
  public CompletableFuture<Object> callRemote(String method, Object... args) {
    return submit(method, args, true);
  }

  @Override
  public <T> CompletableFuture<T> callRemote(Class<T> resultType, String method, Object... args) {
    Objects.requireNonNull(resultType, "resultType");
    CompletableFuture<Object> answer = callRemote(method, args);
    CompletableFuture<T> typed = new CompletableFuture<>();
    typed.whenComplete((value, error) -> {
      if (typed.isCancelled()) {
        answer.cancel(false); // as for the untyped call: forgotten, and a PBJ peer told
      }
    });
    answer.whenComplete((value, error) -> {
      if (error != null) {
        typed.completeExceptionally(error);
        return;
      }
      Object converted = Coercion.coerce(value, resultType);
      if (converted == Coercion.NO_MATCH) {
        typed.completeExceptionally(new ClassCastException("answer of " + method + " is "
            + Dispatcher.describe(value) + " " + value + ", not " + resultType.getName()));
        return;
      }
      @SuppressWarnings("unchecked")
      T result = (T) Coercion.box(resultType).cast(converted);
      typed.complete(result);
    });
    return typed;
  }

  @Override
  public void callRemoteNoAnswer(String method, Object... args) {
    CompletableFuture<Object> sent = submit(method, args, false);
    if (sent.isCompletedExceptionally()) {
      Throwable why = sent.handle((value, error) -> error).join();
      throw why instanceof RuntimeException ? (RuntimeException) why : new CompletionException(why);
    }
  }

  private CompletableFuture<Object> submit(String method, Object[] args, boolean answerRequired) {
    Objects.requireNonNull(method, "method");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new DeadReferenceException("this handle on the " + target.word
          + " of the " + kept + " was closed"));
    }
    KeptCall call = new KeptCall(target, method, args.clone(), answerRequired,
        deadline != null ? deadline : kept.defaultDeadline());
    kept.submit(call, true);
    return call.future;
  }

  @Override
  public RemoteReference withDeadline(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("deadline must be positive: " + timeout);
    }
    return new StableReference(kept, target, timeout, closed);
  }

  @Override
  public Broker broker() {
    return kept.currentOrLastBroker();
  }

  @Override
  public void notifyOnDisconnect(Consumer<? super RemoteReference> callback) {
    kept.notifyOnDisconnect(this, Objects.requireNonNull(callback, "callback"));
  }

  @Override
  public void dontNotifyOnDisconnect(Consumer<? super RemoteReference> callback) {
    kept.dontNotifyOnDisconnect(this, callback);
  }

  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StableReference && ((StableReference) o).kept == kept
        && ((StableReference) o).target == target;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(kept) * 31 + target.hashCode();
  }

  @Override
  public String toString() {
    return "RemoteReference(" + target.word + " of the " + kept + ")";
  }
}
