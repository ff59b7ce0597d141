package dev.pbj.tcp;

import dev.pbj.spi.LinkHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link LinkHandler} that keeps what arrives, for tests to wait on. Optionally throws on the first bytes. */
final class RecordingHandler implements LinkHandler {

  static final long TIMEOUT_SECONDS = 10;

  private final RuntimeException toThrow;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream(); // guarded by this
  private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  private final AtomicInteger closeCount = new AtomicInteger();
  private volatile String bytesThread;

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
