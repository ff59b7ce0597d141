package dev.pbj.core.internal.tables;

import dev.pbj.Avatar;
import dev.pbj.Cacheable;
import dev.pbj.LimitExceededException;
import dev.pbj.ProtocolException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This side's {@link Cacheable}s that the peer observes (Twisted's {@code remotelyCachedObjects}): cache id →
 * cacheable, the perspective it was first sent for, its observer, and how many times it was sent. The peer's
 * {@code decache}s count down; at zero the entry goes and the cacheable is told the observer stopped. Thread-safe.
 */
public final class CacheTable {
  private final Map<Long, Entry> byLuid = new HashMap<>();
  private Map<Cacheable, Entry> byObject = Collections.emptyMap(); // made at the first cacheable: see LocalObjectTable
  private final int maxObjects;
  private final AtomicLong luids;

  public CacheTable(int maxObjects, AtomicLong luids) {
    this.maxObjects = maxObjects;
    this.luids = luids;
  }

  /** The entry of a cacheable already sent, counting one more reference, or null if it is new. */
  synchronized Entry reuse(Cacheable cacheable) {
    Entry entry = byObject.get(cacheable);
    if (entry != null) {
      entry.references++;
    }
    return entry;
  }

  /** A new entry with one reference; the caller asks the cacheable for its state after this. */
  synchronized Entry add(Cacheable cacheable, Avatar perspective, java.util.function.LongFunction<
      CacheObserverImpl> observers) {
    if (byLuid.size() >= maxObjects) {
      throw new LimitExceededException("cacheables observed by one peer", "maxLocalObjects", byLuid.size() + 1,
          maxObjects);
    }
    long luid = luids.incrementAndGet();
    Entry entry = new Entry(luid, cacheable, perspective, observers.apply(luid));
    entry.references = 1;
    byLuid.put(luid, entry);
    if (!(byObject instanceof IdentityHashMap)) { // once made, kept
      byObject = new IdentityHashMap<>(2);
    }
    byObject.put(cacheable, entry);
    return entry;
  }

  /** One reference less; returns the entry if that was the last (it is removed), else null. */
  public synchronized Entry release(long luid) {
    Entry entry = byLuid.get(luid);
    if (entry == null) {
      throw new ProtocolException("decache for cache id " + luid + ", which is not cached by the peer");
    }
    if (--entry.references > 0) {
      return null;
    }
    byLuid.remove(luid);
    byObject.remove(entry.cacheable);
    return entry;
  }

  /** The cacheable cached as {@code luid}, or null. */
  synchronized Cacheable lookup(long luid) {
    Entry entry = byLuid.get(luid);
    return entry == null ? null : entry.cacheable;
  }

  /** Empties the table; returns what was in it. */
  public synchronized List<Entry> clear() {
    List<Entry> all = new ArrayList<>(byLuid.values());
    byLuid.clear();
    byObject.clear();
    return all;
  }

  public synchronized int size() {
    return byLuid.size();
  }

  /** One observed cacheable. */
  public static final class Entry {
    public final long luid;
    public final Cacheable cacheable;
    public final Avatar perspective;
    public final CacheObserverImpl observer;
    int references;

    Entry(long luid, Cacheable cacheable, Avatar perspective, CacheObserverImpl observer) {
      this.luid = luid;
      this.cacheable = cacheable;
      this.perspective = perspective;
      this.observer = observer;
    }
  }
}
