package dev.pbj.core.internal.tables;

import dev.pbj.LimitExceededException;
import dev.pbj.ProtocolException;
import dev.pbj.core.internal.login.ViewPoint;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The objects this side of a connection exports to the peer (Twisted's {@code localObjects}): luid → object with
 * a count of the references sent, plus objects served by name ({@code "root"}), which are never counted. An
 * object is found again by identity, a {@link ViewPoint} by its parts. A luid is never reused on a connection; the
 * counter is shared with the cache table, as in Twisted. Thread-safe.
 */
public final class LocalObjectTable {
  private final Map<Long, Entry> byLuid = new HashMap<>();
  // made at the first export: most connections export few objects, and an idle one should hold little (an
  // IdentityHashMap makes its table at once); reading, removing and clearing the empty map need no case of their own
  private Map<Object, Entry> byObject = Collections.emptyMap();
  private final Map<ViewPoint, Entry> byView = new HashMap<>();
  private final Map<String, Object> named = new HashMap<>(2); // "root", usually alone
  private final int maxObjects;
  private final AtomicLong luids;

  public LocalObjectTable(int maxObjects, AtomicLong luids) {
    this.maxObjects = maxObjects;
    this.luids = luids;
  }

  public synchronized void putNamed(String name, Object object) {
    named.put(name, object);
  }

  /** Counts one more reference sent for {@code object} (or view point); returns its luid. */
  synchronized long export(Object object) {
    Entry entry = object instanceof ViewPoint ? byView.get(object) : byObject.get(object);
    if (entry == null) {
      if (byLuid.size() >= maxObjects) {
        throw new LimitExceededException("objects exported to one peer", "maxLocalObjects", byLuid.size() + 1,
            maxObjects);
      }
      entry = new Entry(luids.incrementAndGet(), object);
      byLuid.put(entry.luid, entry);
      if (object instanceof ViewPoint) {
        byView.put((ViewPoint) object, entry);
      } else {
        if (!(byObject instanceof IdentityHashMap)) { // once made, kept: emptied and refilled per callback
          byObject = new IdentityHashMap<>(4);
        }
        byObject.put(object, entry);
      }
    }
    entry.references++;
    return entry.luid;
  }

  /** The peer dropped one reference; returns the object if that was the last one (it is forgotten), else null. */
  public synchronized Object decref(long luid) {
    Entry entry = byLuid.get(luid);
    if (entry == null) {
      throw new ProtocolException("decref for object id " + luid + ", which is not exported");
    }
    if (--entry.references > 0) {
      return null;
    }
    byLuid.remove(luid);
    if (entry.object instanceof ViewPoint) {
      byView.remove(entry.object);
    } else {
      byObject.remove(entry.object);
    }
    return entry.object;
  }

  /** The object exported as {@code id} (a {@code Long} luid or a name), or null. */
  public synchronized Object lookup(Object id) {
    if (id instanceof Long) {
      Entry entry = byLuid.get(id);
      return entry == null ? null : entry.object;
    }
    return named.get(id);
  }

  public synchronized int size() {
    return byLuid.size();
  }

  public synchronized void clear() {
    byLuid.clear();
    byObject.clear();
    byView.clear();
    named.clear();
  }

  private static final class Entry {
    final long luid;
    final Object object;
    int references;

    Entry(long luid, Object object) {
      this.luid = luid;
      this.object = object;
    }
  }
}
