package dev.pbj.core.internal.reconnect;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One call made through a kept connection's {@code root()} or {@code avatar()}: sent through the connection of the
 * moment, or waiting for the next one. Its deadline counts from when it was made, the wait included.
 */
final class KeptCall {
  /** Which of the kept connection's stable references the call goes to. */
  enum Target {
    ROOT("root"), AVATAR("avatar");

    final String word;

    Target(String word) {
      this.word = word;
    }
  }

  final Target target;
  final String method;
  final Object[] args;
  final boolean answerRequired;
  /** Null: none. */
  final Duration deadline;
  final long madeNanos = System.nanoTime();
  /** Settled with the answer; for a call without answer, once sent or given up on. */
  final CompletableFuture<Object> future = new CompletableFuture<>();
  /** Fails the call when its deadline passes while it waits; guarded by the kept connection. */
  ScheduledFuture<?> deadlineTimer;

  KeptCall(Target target, String method, Object[] args, boolean answerRequired, Duration deadline) {
    this.target = target;
    this.method = method;
    this.args = args;
    this.answerRequired = answerRequired;
    this.deadline = deadline;
  }

  /** The time left until the deadline (zero or less: passed); null without a deadline. */
  Duration remaining() {
    return deadline == null ? null : deadline.minusNanos(System.nanoTime() - madeNanos);
  }

  @Override
  public String toString() {
    return target.word + "." + method;
  }
}
