package dev.pbj.core.internal;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * The peer's objects this side holds references to: one live {@link RemoteReferenceImpl} per luid, counting the
 * {@code (remote N)} tokens received for it, because the peer expects one {@code decref} per token. Closing the
 * reference, or the garbage collector finding it unreachable, sends them. Thread-safe.
 */
final class ImportTable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final Map<Long, WeakReference<RemoteReferenceImpl>> live = new HashMap<>();
  private final BrokerImpl broker;
  private boolean closed;

  ImportTable(BrokerImpl broker) {
    this.broker = broker;
  }

  /** One more {@code (remote luid)} token: the live reference for it, or a new one. */
  synchronized RemoteReferenceImpl importRemote(long luid) {
    WeakReference<RemoteReferenceImpl> weak = live.get(luid);
    RemoteReferenceImpl existing = weak == null ? null : weak.get();
    if (existing != null && existing.state.addToken()) {
      return existing;
    }
    Import state = new Import(luid, this);
    RemoteReferenceImpl reference = new RemoteReferenceImpl(broker, luid, state);
    live.put(luid, new WeakReference<>(reference));
    CLEANER.register(reference, state);
    return reference;
  }

  synchronized int size() {
    return live.size();
  }

  /** The connection is gone: nothing is sent for references released from now on. */
  synchronized void close() {
    closed = true;
    live.clear();
  }

  private void released(Import state, int tokens) {
    synchronized (this) {
      WeakReference<RemoteReferenceImpl> weak = live.get(state.luid);
      RemoteReferenceImpl current = weak == null ? null : weak.get();
      if (current == null || current.state == state) {
        live.remove(state.luid);
      }
      if (closed) {
        return;
      }
    }
    broker.sendDecrefs(state.luid, tokens);
  }

  /** The bookkeeping of one imported reference; also its cleanup action, so it never points back to it. */
  static final class Import implements Runnable {
    final long luid;
    private final ImportTable table;
    private int tokens = 1;
    private boolean released;

    Import(long luid, ImportTable table) {
      this.luid = luid;
      this.table = table;
    }

    synchronized boolean addToken() {
      if (released) {
        return false;
      }
      tokens++;
      return true;
    }

    synchronized boolean isReleased() {
      return released;
    }

    /** Releases every token once; later calls do nothing. */
    @Override
    public void run() {
      int count;
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
        count = tokens;
      }
      table.released(this, count);
    }
  }
}
