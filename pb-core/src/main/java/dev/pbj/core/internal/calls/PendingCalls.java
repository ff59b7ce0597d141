package dev.pbj.core.internal.calls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The calls this side sent that wait for an answer: request id → future. Request ids count up per connection.
 * A call whose future completes some other way (cancelled, timed out) is forgotten at once, and its late answer is
 * recognised as such. Once {@link #closeAll()} has run no call can be added, so none is left behind by a lost
 * connection. Thread-safe: callers register on their threads, answers are taken in the connection's context.
 */
final class PendingCalls {
  private final ConcurrentHashMap<Long, CompletableFuture<Object>> calls = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final LongConsumer givenUp;
  private volatile boolean closed;

  /** @param givenUp told the request id of each call whose future completed before its answer came */
  PendingCalls(LongConsumer givenUp) {
    this.givenUp = givenUp;
  }

  /**
   * Allocates a request id; if {@code future} is given it waits for the answer until it completes, however it
   * completes. Null once closed.
   */
  Long register(CompletableFuture<Object> future) {
    if (closed) {
      return null;
    }
    Long id = nextId.getAndIncrement(); // boxed once, for the table and the caller
    if (future != null) {
      calls.put(id, future);
      if (closed && calls.remove(id) != null) {
        // closeAll ran between the check and the put and did not see this call
        return null;
      }
      future.whenComplete((value, error) -> {
        if (calls.remove(id, future)) {
          givenUp.accept(id);
        }
      });
    }
    return id;
  }

  /** Removes and returns the call waiting under {@code id}, or null. */
  CompletableFuture<Object> take(Long id) {
    return calls.remove(id);
  }

  /** Whether {@code id} was handed out: an answer for it that nobody waits for was given up, not made up. */
  boolean wasIssued(long id) {
    return id > 0 && id < nextId.get();
  }

  /** Forgets a call whose message could not be sent. */
  void forget(long id) {
    calls.remove(id);
  }

  /** Refuses new calls and returns those still waiting. */
  List<CompletableFuture<Object>> closeAll() {
    closed = true;
    List<CompletableFuture<Object>> waiting = new ArrayList<>();
    for (Long id : new ArrayList<>(calls.keySet())) {
      CompletableFuture<Object> future = calls.remove(id);
      if (future != null) {
        waiting.add(future);
      }
    }
    return waiting;
  }

  int size() {
    return calls.size();
  }
}
