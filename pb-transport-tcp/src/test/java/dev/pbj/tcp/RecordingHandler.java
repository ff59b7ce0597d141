package dev.pbj.tcp;

import dev.pbj.spi.Link;
import dev.pbj.spi.LinkHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LinkHandler} that keeps what arrives and each writability change (with the link's unwritten bytes at
 * that moment, once {@link #attach attached}), for tests to wait on. Optionally throws on the first bytes.
 */
final class RecordingHandler implements LinkHandler {

  static final long TIMEOUT_SECONDS = 10;

  private final RuntimeException toThrow;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream(); // guarded by this
  private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  private final AtomicInteger closeCount = new AtomicInteger();
  private volatile String bytesThread;
  private volatile Link link;
  private final List<Boolean> writabilityChanges = new ArrayList<>(); // guarded by this
  private final List<Long> unwrittenAtChanges = new ArrayList<>(); // guarded by this

  RecordingHandler() {
    this(null);
  }

  RecordingHandler(RuntimeException toThrow) {
    this.toThrow = toThrow;
  }

  @Override
  public synchronized void onBytes(ByteBuffer bytes) {
    bytesThread = Thread.currentThread().getName();
    if (toThrow != null) {
      throw toThrow;
    }
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(copy);
    received.write(copy, 0, copy.length);
    notifyAll();
  }

  @Override
  public synchronized void onWritabilityChanged(boolean writable) {
    writabilityChanges.add(writable);
    Link attached = link;
    unwrittenAtChanges.add(attached == null ? -1 : attached.unwrittenBytes());
    notifyAll();
  }

  /** Makes the handler note {@code link}'s unwritten bytes at each writability change; returns this. */
  RecordingHandler attach(Link link) {
    this.link = link;
    return this;
  }

  /** The link {@link #attach} gave, or null. */
  Link link() {
    return link;
  }

  @Override
  public void onClosed(Throwable cause) {
    closeCount.incrementAndGet();
    closed.complete(cause);
    synchronized (this) {
      notifyAll();
    }
  }

  /** Waits until at least {@code count} bytes arrived and returns all of them; fails if the link closes first. */
  synchronized byte[] awaitBytes(int count) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (received.size() < count) {
      if (closed.isDone()) {
        throw new AssertionError("link closed after " + received.size() + " of " + count + " bytes",
            closed.getNow(null));
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new TimeoutException("received " + received.size() + " of " + count + " bytes");
      }
      wait(left);
    }
    return received.toByteArray();
  }

  /**
   * Whether at least {@code count} bytes arrive within {@code wait}: the one bounded wait for something that
   * should not happen.
   */
  synchronized boolean bytesArriveWithin(int count, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (received.size() < count) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  /** Waits until the last writability change reported is {@code writable}. */
  synchronized void awaitWritability(boolean writable) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (writable != lastWritability()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new TimeoutException("writability still " + lastWritability() + " after " + writabilityChanges);
      }
      wait(left);
    }
  }

  /** The last writability reported; true (a link starts writable) before any change. */
  synchronized boolean lastWritability() {
    return writabilityChanges.isEmpty() || writabilityChanges.get(writabilityChanges.size() - 1);
  }

  synchronized List<Boolean> writabilityChanges() {
    return List.copyOf(writabilityChanges);
  }

  /** The attached link's unwritten bytes at each writability change, in order. */
  synchronized List<Long> unwrittenAtChanges() {
    return List.copyOf(unwrittenAtChanges);
  }

  synchronized byte[] receivedSoFar() {
    return received.toByteArray();
  }

  /** Waits for {@link #onClosed} and returns its cause ({@code null} for an orderly close). */
  Throwable awaitClosed() throws Exception {
    return closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  int closeCount() {
    return closeCount.get();
  }

  String bytesThread() {
    return bytesThread;
  }
}
