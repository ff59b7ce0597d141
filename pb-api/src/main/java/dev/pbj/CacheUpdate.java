package dev.pbj;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One call made on the {@link RemoteCache}s of many observers: the method, its arguments, and what the observers'
 * implementation works out from them once for all of them. PBJ's encodes the arguments once per serializer, when
 * they hold only plain values (no references, cacheables, viewables or copies whose state a perspective may
 * change), instead of once per observer; see {@link CacheObservers}. Thread-safe.
 *
 * <p>The arguments are kept, not copied deeply: leave them unchanged until every observer's call was sent.
 */
public final class CacheUpdate {
  private final String method;
  private final Object[] arguments;
  private final boolean answerRequired;
  private final ConcurrentHashMap<Object, Object> derived = new ConcurrentHashMap<>(4);

  /**
   * An update calling {@code method} with {@code arguments}, each observer's peer answering; a trailing
   * {@link Kwargs} carries keywords.
   */
  public CacheUpdate(String method, Object... arguments) {
    this(method, arguments, true);
  }

  private CacheUpdate(String method, Object[] arguments, boolean answerRequired) {
    this.method = Objects.requireNonNull(method, "method");
    this.arguments = arguments.clone();
    this.answerRequired = answerRequired;
  }

  /**
   * An update that asks no answer (Twisted's {@code pbanswer=False}): the peers send none, and each observer's
   * future completes once its call was sent, or fails if it could not be (its peer gone, say). Half the messages
   * of an update that is answered.
   */
  public static CacheUpdate oneWay(String method, Object... arguments) {
    return new CacheUpdate(method, arguments, false);
  }

  /** Whether the peers answer; an observer that cannot send one-way calls asks for an answer and ignores it. */
  public boolean answerRequired() {
    return answerRequired;
  }

  /** The method called on each RemoteCache. */
  public String method() {
    return method;
  }

  /** The arguments, as a new array. */
  public Object[] arguments() {
    return arguments.clone();
  }

  /**
   * For {@link CacheObserver} implementations: the value derived from this update under {@code key} (for PBJ, the
   * arguments encoded for one serializer), made by {@code derive} the first time {@code key} is asked for and kept
   * as long as the update is. {@code derive} must return non-null, must neither block nor run application code
   * (other threads asking for the same key wait for it), and must not ask this update for a derived value.
   */
  public Object derived(Object key, Function<Object, Object> derive) {
    return derived.computeIfAbsent(key, derive);
  }

  @Override
  public String toString() {
    return "CacheUpdate(" + method + ", " + arguments.length + " arguments)";
  }
}
