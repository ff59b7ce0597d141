package dev.pbj.core.internal.tables;

import dev.pbj.Broker;
import dev.pbj.ProtocolException;
import dev.pbj.RemoteCache;
import dev.pbj.core.internal.connection.BrokerImpl;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * The peer's cacheables this side replicates (Twisted's {@code locallyCachedObjects}): cache id → the one
 * {@link RemoteCache} instance and the number of times the peer sent it, because the peer expects one
 * {@code decache} per time. The entry stays until the peer's {@code uncache}, since a {@code (cached N)} may be on
 * its way when this side releases. Thread-safe.
 */
public final class RemoteCacheTable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final Map<Long, Entry> entries = new HashMap<>();
  private final BrokerImpl broker;
  private boolean closed;

  public RemoteCacheTable(BrokerImpl broker) {
    this.broker = broker;
  }

  /** Registers a new replica, received for the first time, with one token. */
  RemoteCache add(long luid, String typeName, RemoteCache cache) {
    Entry entry = new Entry(luid, typeName, cache);
    synchronized (this) {
      if (entries.containsKey(luid)) {
        throw new ProtocolException("cache id " + luid + " sent twice with its state");
      }
      entries.put(luid, entry);
    }
    cache.bind(entry);
    CLEANER.register(cache, new Release(entry));
    return cache;
  }

  /** {@code (cached luid)}: the replica, counting one more token. */
  synchronized RemoteCache cached(long luid) {
    Entry entry = entries.get(luid);
    RemoteCache cache = entry == null ? null : entry.cache.get();
    if (cache == null) {
      throw new ProtocolException("(cached " + luid + ") names no cache this side holds");
    }
    synchronized (entry) {
      if (entry.released) {
        entry.released = false;
        entry.tokens = 1;
      } else {
        entry.tokens++;
      }
    }
    return cache;
  }

  /** The replica cached as {@code luid}, or null. */
  public synchronized RemoteCache lookup(long luid) {
    Entry entry = entries.get(luid);
    return entry == null ? null : entry.cache.get();
  }

  /** The cache id of {@code cache}, a replica held here. */
  synchronized long idOf(RemoteCache cache) {
    for (Entry entry : entries.values()) {
      if (entry.cache.get() == cache) {
        return entry.luid;
      }
    }
    throw new IllegalArgumentException("cannot send " + cache + " over " + broker
        + ": a RemoteCache can only go back to the connection it came from");
  }

  /** {@code (uncache luid)}: the owner forgot it. */
  public synchronized void uncache(long luid) {
    if (entries.remove(luid) == null) {
      throw new ProtocolException("uncache for cache id " + luid + ", which this side does not hold");
    }
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized void close() {
    closed = true;
    entries.clear();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /**
   * A replica's cleanup action. The cleaner holds it strongly until the replica is collected, so it must not reach
   * the replica: it holds the entry weakly (the table holds it strongly while the replica is the table's), since
   * through the entry's broker it would reach whatever the connection still held, such as a message cut off by the
   * disconnection with the replica in it, and the closed connection would never be collected.
   */
  private static final class Release implements Runnable {
    private final WeakReference<Entry> entry;

    Release(Entry entry) {
      this.entry = new WeakReference<>(entry);
    }

    @Override
    public void run() {
      Entry owner = entry.get();
      if (owner != null) {
        owner.release();
      }
    }
  }

  /** One replica's bookkeeping; also its binding, so it never holds the replica strongly. */
  private final class Entry implements RemoteCache.Binding {
    final long luid;
    final String typeName;
    final WeakReference<RemoteCache> cache;
    int tokens = 1;
    boolean released;

    Entry(long luid, String typeName, RemoteCache cache) {
      this.luid = luid;
      this.typeName = typeName;
      this.cache = new WeakReference<>(cache);
    }

    @Override
    public Broker broker() {
      return broker;
    }

    @Override
    public String typeName() {
      return typeName;
    }

    @Override
    public void release() {
      int count;
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
        count = tokens;
        tokens = 0;
      }
      if (!isClosed()) {
        broker.messages().decaches(luid, count);
      }
    }
  }
}
