package dev.pbj;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

/**
 * The observers a {@link Cacheable} keeps, and the updates it sends them: one {@link CacheUpdate} per change,
 * made on each observer, so that PBJ encodes the arguments once per serializer rather than once per observer
 * where they are plain values (the bytes each peer receives are the same either way). Thread-safe; the order of
 * the observers is the order they were added in.
 *
 * <p>An observer whose peer is gone (its call fails with {@link DeadReferenceException} or
 * {@link ConnectionLostException}, or cannot be made) is removed, as {@link Cacheable#stoppedObserving} would.
 */
public final class CacheObservers implements Iterable<CacheObserver> {
  private final CopyOnWriteArrayList<CacheObserver> observers = new CopyOnWriteArrayList<>();

  /** Adds {@code observer}, unless it is already here; returns whether it was added. */
  public boolean add(CacheObserver observer) {
    return observers.addIfAbsent(Objects.requireNonNull(observer, "observer"));
  }

  /** Removes {@code observer}; returns whether it was here. */
  public boolean remove(CacheObserver observer) {
    return observers.remove(observer);
  }

  public int size() {
    return observers.size();
  }

  public boolean isEmpty() {
    return observers.isEmpty();
  }

  /** The observers now, as an unchangeable list: the ones a change made now goes to. */
  public List<CacheObserver> snapshot() {
    return List.copyOf(observers);
  }

  /** Iterates over the observers there were when it was made. */
  @Override
  public Iterator<CacheObserver> iterator() {
    return snapshot().iterator();
  }

  /**
   * Calls {@code method} on every observer's RemoteCache, as one update; a trailing {@link Kwargs} carries
   * keywords. Returns each observer's answer, in the order of {@link #snapshot()}.
   */
  public List<CompletableFuture<Object>> callRemote(String method, Object... args) {
    return callRemote(snapshot(), new CacheUpdate(method, args));
  }

  /**
   * Calls {@code method} on every observer's RemoteCache as one update that asks no answer
   * ({@link CacheUpdate#oneWay}). Returns, in the order of {@link #snapshot()}, futures that complete once each
   * observer's call was sent.
   */
  public List<CompletableFuture<Object>> send(String method, Object... args) {
    return callRemote(snapshot(), CacheUpdate.oneWay(method, args));
  }

  /**
   * Makes {@code update} on each of {@code to} (the observers there were when the change was made, say), in their
   * order, from this thread; each observer's calls keep the order they were made in. Returns each one's answer.
   * Those found gone are removed from this set.
   */
  public List<CompletableFuture<Object>> callRemote(Collection<? extends CacheObserver> to, CacheUpdate update) {
    List<CompletableFuture<Object>> answers = new ArrayList<>(to.size());
    for (CacheObserver observer : to) {
      CompletableFuture<Object> answer;
      try {
        answer = observer.callRemote(update);
      } catch (RuntimeException e) { // an observer that cannot take a call at all: it is gone for this set
        observers.remove(observer);
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete((value, error) -> {
        if (error != null && isGone(error)) {
          observers.remove(observer);
        }
      });
      answers.add(answer);
    }
    return answers;
  }

  private static boolean isGone(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof DeadReferenceException || cause instanceof ConnectionLostException;
  }

  @Override
  public String toString() {
    return "CacheObservers(" + observers.size() + ")";
  }
}
