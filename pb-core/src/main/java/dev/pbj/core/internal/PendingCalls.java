package dev.pbj.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The calls this side sent that wait for an answer: request id → future. Request ids count up per connection.
 * Once {@link #closeAll()} has run no call can be added, so none is left behind by a lost connection.
 * Thread-safe.
 */
final class PendingCalls {
  private final Map<Long, CompletableFuture<Object>> calls = new HashMap<>();
  private long nextId = 1;
  private boolean closed;

  /** Allocates a request id; if {@code future} is given it waits for the answer. Null once closed. */
  synchronized Long register(CompletableFuture<Object> future) {
    if (closed) {
      return null;
    }
    long id = nextId++;
    if (future != null) {
      calls.put(id, future);
    }
    return id;
  }

  /** Removes and returns the call waiting under {@code id}, or null. */
  synchronized CompletableFuture<Object> take(long id) {
    return calls.remove(id);
  }

  /** Forgets a call whose message could not be sent. */
  synchronized void forget(long id) {
    calls.remove(id);
  }

  /** Refuses new calls and returns those still waiting. */
  synchronized List<CompletableFuture<Object>> closeAll() {
    closed = true;
    List<CompletableFuture<Object>> waiting = new ArrayList<>(calls.values());
    calls.clear();
    return waiting;
  }

  synchronized int size() {
    return calls.size();
  }
}
