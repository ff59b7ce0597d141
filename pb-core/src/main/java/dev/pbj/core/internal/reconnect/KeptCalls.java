package dev.pbj.core.internal.reconnect;

import dev.pbj.Broker;
import dev.pbj.DeadReferenceException;
import dev.pbj.DeadlineExceededException;
import dev.pbj.RemoteReference;
import dev.pbj.core.internal.endpoint.Timers;
import dev.pbj.core.internal.endpoint.Workers;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The calls of one kept connection ({@link Reconnector}) that wait for a connection, each until its deadline, and the
 * sending of a call through a connection, what is left of its deadline going with it. Which of the two a call gets is
 * the kept connection's decision, taken under its lock; this class keeps its own lock for the waiting list only.
 */
final class KeptCalls {
  private final URI uri;
  private final Executor executor;
  private final List<KeptCall> waiting = new ArrayList<>();

  KeptCalls(URI uri, Executor executor) {
    this.uri = uri;
    this.executor = executor;
  }

  /**
   * Makes {@code call} wait for the next connection, at most until its deadline; answers the failure instead if that
   * has passed already. A call its caller cancels stops waiting at once.
   */
  synchronized Throwable await(KeptCall call) {
    Duration remaining = call.remaining();
    if (remaining != null && (remaining.isNegative() || remaining.isZero())) {
      return deadlinePassed(call);
    }
    waiting.add(call);
    if (remaining != null) {
      call.deadlineTimer = Timers.schedule(() -> Workers.runOn(executor, () -> expire(call)), remaining.toNanos());
    }
    call.future.whenComplete((value, error) -> {
      if (call.future.isCancelled()) {
        forget(call);
      }
    });
    return null;
  }

  /** Every waiting call, their timers stopped: to be sent, or failed. */
  synchronized List<KeptCall> takeAll() {
    List<KeptCall> calls = new ArrayList<>(waiting);
    waiting.clear();
    for (KeptCall call : calls) {
      if (call.deadlineTimer != null) {
        call.deadlineTimer.cancel(false);
      }
    }
    return calls;
  }

  private void expire(KeptCall call) {
    boolean waited;
    synchronized (this) {
      waited = waiting.remove(call);
    }
    if (waited) {
      settle(call, null, deadlinePassed(call));
    }
  }

  private synchronized void forget(KeptCall call) {
    if (waiting.remove(call) && call.deadlineTimer != null) {
      call.deadlineTimer.cancel(false);
    }
  }

  private DeadlineExceededException deadlinePassed(KeptCall call) {
    return new DeadlineExceededException("call of " + call + " waited for a connection to " + uri
        + " longer than its deadline of " + call.deadline, call.deadline);
  }

  /**
   * Sends {@code call} through {@code broker} (to its root, or to {@code avatar}) and settles the call with the
   * outcome, or hands it to {@code notSent} if it met the connection closing and was never sent.
   */
  void send(Broker broker, RemoteReference avatar, KeptCall call, Consumer<Throwable> notSent) {
    Duration remaining = call.remaining();
    if (remaining != null && (remaining.isNegative() || remaining.isZero())) {
      settle(call, null, deadlinePassed(call));
      return;
    }
    RemoteReference target = call.target == KeptCall.Target.ROOT ? broker.rootObject() : avatar;
    if (remaining != null && call.answerRequired) {
      target = target.withDeadline(remaining); // what is left of it, the wait having counted
    }
    if (!call.answerRequired) {
      try {
        target.callRemoteNoAnswer(call.method, call.args);
        call.future.complete(null);
      } catch (Throwable e) {
        Throwable cause = unwrap(e);
        if (cause instanceof DeadReferenceException && !broker.isConnected()) {
          notSent.accept(cause);
        } else {
          call.future.completeExceptionally(cause);
        }
      }
      return;
    }
    CompletableFuture<Object> sent = target.callRemote(call.method, call.args);
    call.future.whenComplete((value, error) -> {
      if (call.future.isCancelled()) {
        sent.cancel(false); // forgets the call, and tells a PBJ peer
      }
    });
    sent.whenComplete((value, error) -> {
      Throwable cause = error == null ? null : unwrap(error);
      if (cause instanceof DeadReferenceException && !broker.isConnected()) {
        notSent.accept(cause);
      } else if (cause != null) {
        call.future.completeExceptionally(cause);
      } else {
        call.future.complete(value);
      }
    });
  }

  /** Settles {@code call} on the executor: what runs then is the caller's code. */
  void settle(KeptCall call, Object value, Throwable error) {
    Workers.runOn(executor, error == null ? () -> call.future.complete(value)
        : () -> call.future.completeExceptionally(error));
  }

  static Throwable unwrap(Throwable error) {
    while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }
}
