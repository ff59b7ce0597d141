package dev.pbj.core.internal.tables;

import dev.pbj.core.internal.connection.BrokerImpl;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The peer's objects this side holds references to. Each {@code (remote luid)} token received gives its receiver a
 * handle of its own ({@link RemoteReferenceImpl}) onto one shared entry per luid, which counts the tokens, because
 * the peer expects one {@code decref} per token. Closing a handle, or the garbage collector finding it unreachable,
 * lets go of that handle only; when the last handle of an entry goes, the entry's decrefs are sent. So a method
 * that closes the reference it was given cannot kill the same reference held by a call still in flight.
 *
 * <p>The entries belong to the connection's context: tokens are counted there as messages are read, and a handle
 * let go of on any thread (or by the cleaner) posts its release there, so nothing is encoded on the caller's or
 * the cleaner's thread. Sizes may be read from any thread.
 */
public final class ImportTable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final BrokerImpl broker;
  private final Map<Long, Entry> entries = new HashMap<>();
  private boolean closed;

  public ImportTable(BrokerImpl broker) {
    this.broker = broker;
  }

  /** In the context: one more {@code (remote luid)} token, and the new handle that holds it. */
  RemoteReferenceImpl importRemote(long luid) {
    Entry entry;
    synchronized (this) {
      entry = entries.computeIfAbsent(luid, Entry::new);
      entry.tokens++;
      entry.handles++;
    }
    Handle handle = new Handle(this, entry);
    RemoteReferenceImpl reference = new RemoteReferenceImpl(broker, luid, handle);
    CLEANER.register(reference, handle);
    return reference;
  }

  /** Distinct remote objects held. */
  public synchronized int size() {
    return entries.size();
  }

  /** In the context: the connection is gone; nothing is sent for handles let go of from now on. */
  public synchronized void close() {
    closed = true;
    entries.clear();
  }

  /** In the context: a handle of {@code entry} was let go of; the last one sends the entry's decrefs. */
  private void released(Entry entry) {
    int tokens;
    synchronized (this) {
      if (closed || --entry.handles > 0) {
        return;
      }
      entries.remove(entry.luid, entry);
      tokens = entry.tokens;
    }
    broker.messages().decrefs(entry.luid, tokens);
  }

  /** One remote object: the tokens received for it and the handles still open. Guarded by the table. */
  private static final class Entry {
    final long luid;
    int tokens;
    int handles;

    Entry(long luid) {
      this.luid = luid;
    }
  }

  /**
   * One handle's state, and its cleanup action. The cleaner holds every action strongly until its reference is
   * collected, so the action must not reach the reference: it holds the table weakly, since through the table's
   * broker it would reach whatever the connection still held (a message cut off by the disconnection, with this very
   * reference in it), and then neither the reference nor the closed connection would ever be collected.
   */
  static final class Handle implements Runnable {
    private final WeakReference<ImportTable> table;
    private final Entry entry;
    private final AtomicBoolean released = new AtomicBoolean();

    Handle(ImportTable table, Entry entry) {
      this.table = new WeakReference<>(table);
      this.entry = entry;
    }

    boolean isReleased() {
      return released.get();
    }

    /** Lets go of this handle once, on any thread (the cleaner's included); later calls do nothing. */
    @Override
    public void run() {
      ImportTable owner = table.get(); // null once the connection itself was collected: nothing left to tell
      if (released.compareAndSet(false, true) && owner != null) {
        owner.broker.postAsync(() -> owner.released(entry));
      }
    }
  }
}
