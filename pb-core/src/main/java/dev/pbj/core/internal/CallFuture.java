package dev.pbj.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The future of one remote call, and of the stages derived from it.
 *
 * <p>The answer is read on an I/O thread, where user callbacks must never run, so the I/O thread does not complete
 * the future: it {@linkplain #deliver delivers} the outcome. If a thread is already waiting in {@code get} or
 * {@code join}, that thread is woken with the outcome and completes the future itself, so a caller that blocks
 * costs no executor hand-off; otherwise the broker has the executor {@linkplain #finish finish} it, with the other
 * answers of the same read (see {@link CompletionBatch}). A thread that starts waiting after the outcome was
 * delivered but before it was finished finishes it itself, so waiting never depends on the executor's turn. Stages
 * made from this one ({@code thenApply} and the like) are call futures too, and waiting on them waits the same way
 * on the call they came from. A thread inside a read of a connection may not wait at all: it fails at once.
 */
final class CallFuture<T> extends CompletableFuture<T> {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CallFuture.class, "state", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * How many reads of a connection the thread is inside: while it is reading it delivers answers, so it must not
   * wait for one (a non-blocking remote method, or a callback run in place by a direct executor).
   */
  private static final ThreadLocal<int[]> READING = ThreadLocal.withInitial(() -> new int[1]);

  /** Called as a read starts; give what it returns to {@link #endRead}. */
  static int[] startRead() {
    int[] reads = READING.get();
    reads[0]++;
    return reads;
  }

  static void endRead(int[] reads) {
    reads[0]--;
  }

  /** The call this stage was derived from; {@code this} for the call itself. */
  private final CallFuture<?> call;
  /** On the call: {@code null}, then the {@link Thread} waiting for the outcome, or the delivered {@link Outcome}. */
  private volatile Object state;

  CallFuture() {
    this.call = this;
  }

  private CallFuture(CallFuture<?> call) {
    this.call = call;
  }

  /** What the peer answered, delivered and not yet set on the future. */
  private record Outcome(Object value, Throwable error) {}

  /**
   * On the I/O thread: hands the answer to the waiting thread and returns true, or stores it and returns false, in
   * which case the caller must arrange for {@link #finish()} to run.
   */
  boolean deliver(Object value, Throwable error) {
    Outcome outcome = new Outcome(value, error);
    while (true) {
      Object current = state;
      if (current instanceof Outcome) {
        return true; // delivered already; the first outcome stands
      }
      if (STATE.compareAndSet(this, current, outcome)) {
        if (current instanceof Thread) {
          LockSupport.unpark((Thread) current);
          return true;
        }
        return false;
      }
    }
  }

  /** Completes the future with the delivered outcome, if there is one and nobody did it first. */
  @SuppressWarnings("unchecked")
  void finish() {
    Object current = state;
    if (current instanceof Outcome) {
      Outcome outcome = (Outcome) current;
      if (outcome.error == null) {
        super.complete((T) outcome.value);
      } else {
        super.completeExceptionally(outcome.error);
      }
    }
  }

  // ---- waiting ----

  @Override
  public T get() throws InterruptedException, ExecutionException {
    if (!isDone()) {
      call.await(this, false, 0L, true);
    }
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    if (isDone()) {
      return super.get();
    }
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    if (!call.await(this, true, deadline, true)) {
      throw new TimeoutException();
    }
    return super.get(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  @Override
  public T join() {
    if (!isDone()) {
      try {
        call.await(this, false, 0L, false);
      } catch (InterruptedException e) {
        throw new AssertionError(e); // not interruptible
      }
    }
    return super.join();
  }

  /**
   * On the call: waits until {@code stage} is done or this call's outcome is delivered, and in the latter case
   * finishes the call here. Returns false if the deadline passed first. Another thread already waiting, or a
   * stage that the call's completion does not complete, leave the rest of the wait to the ordinary one.
   */
  private boolean await(CallFuture<?> stage, boolean timed, long deadline, boolean interruptible)
      throws InterruptedException {
    Thread me = Thread.currentThread();
    if (READING.get()[0] > 0 && !stage.isDone() && !(state instanceof Outcome)) {
      throw new IllegalStateException("waiting for a remote call's answer on " + me.getName() + " while it reads"
          + " a connection would never end: the answer has to be read by a thread like it. Chain on the future"
          + " instead (thenApply, thenCompose), or return it from a remote method as a CompletionStage");
    }
    boolean interrupted = false;
    try {
      while (!stage.isDone()) {
        Object current = state;
        if (current instanceof Outcome) {
          finish();
          return true;
        }
        if (current instanceof Thread && current != me) {
          return true; // someone else waits for the outcome; the ordinary wait sees its completion
        }
        if (current == null && !STATE.compareAndSet(this, null, me)) {
          continue;
        }
        if (timed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return leave(me);
          }
          LockSupport.parkNanos(this, left);
        } else {
          LockSupport.park(this);
        }
        if (Thread.interrupted()) {
          if (interruptible) {
            leave(me);
            throw new InterruptedException();
          }
          interrupted = true;
        }
      }
      leave(me);
      return true;
    } finally {
      if (interrupted) {
        me.interrupt();
      }
    }
  }

  /** Stops waiting; if the outcome arrived meanwhile it is finished here rather than lost. Returns whether it was. */
  private boolean leave(Thread me) {
    if (STATE.compareAndSet(this, me, null)) {
      return false;
    }
    finish();
    return state instanceof Outcome;
  }

  /** Wakes the thread waiting on the call, which sees that a stage completed some other way. */
  private void wakeWaiter() {
    Object current = call.state;
    if (current instanceof Thread && current != Thread.currentThread()) {
      LockSupport.unpark((Thread) current);
    }
  }

  // ---- completion some other way (cancel, orTimeout, the user's own complete) ----

  @Override
  public boolean complete(T value) {
    boolean done = super.complete(value);
    wakeWaiter();
    return done;
  }

  @Override
  public boolean completeExceptionally(Throwable error) {
    boolean done = super.completeExceptionally(error);
    wakeWaiter();
    return done;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean done = super.cancel(mayInterruptIfRunning);
    wakeWaiter();
    return done;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CallFuture<>(call);
  }
}
