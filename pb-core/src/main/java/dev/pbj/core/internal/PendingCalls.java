package dev.pbj.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calls this side sent that wait for an answer: request id → future. Request ids count up per connection.
 * Once {@link #closeAll()} has run no call can be added, so none is left behind by a lost connection. Thread-safe
 * without a lock on the hot path: callers register and the I/O thread takes answers concurrently.
 */
final class PendingCalls {
  private final ConcurrentHashMap<Long, CallFuture<Object>> calls = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private volatile boolean closed;

  /** Allocates a request id; if {@code future} is given it waits for the answer. Null once closed. */
  Long register(CallFuture<Object> future) {
    if (closed) {
      return null;
    }
    long id = nextId.getAndIncrement();
    if (future != null) {
      calls.put(id, future);
      if (closed && calls.remove(id) != null) {
        // closeAll ran between the check and the put and did not see this call
        return null;
      }
    }
    return id;
  }

  /** Removes and returns the call waiting under {@code id}, or null. */
  CallFuture<Object> take(long id) {
    return calls.remove(id);
  }

  /** Forgets a call whose message could not be sent. */
  void forget(long id) {
    calls.remove(id);
  }

  /** Refuses new calls and returns those still waiting. */
  List<CallFuture<Object>> closeAll() {
    closed = true;
    List<CallFuture<Object>> waiting = new ArrayList<>();
    for (Long id : new ArrayList<>(calls.keySet())) {
      CallFuture<Object> future = calls.remove(id);
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
