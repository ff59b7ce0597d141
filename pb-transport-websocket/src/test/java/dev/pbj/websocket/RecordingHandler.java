package dev.pbj.websocket;

import dev.pbj.spi.LinkHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LinkHandler} that keeps each message it gets (one {@code onBytes} is one message on this transport) and
 * each writability change, for tests to wait on. Optionally throws on the first message.
 */
final class RecordingHandler implements LinkHandler {

  static final long TIMEOUT_SECONDS = 10;

  private final RuntimeException toThrow;
  private final List<byte[]> messages = new ArrayList<>(); // guarded by this
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(); // guarded by this
  private final List<Boolean> writability = new ArrayList<>(); // guarded by this
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
  public synchronized void onBytes(ByteBuffer message) {
    bytesThread = Thread.currentThread().getName();
    if (closed.isDone()) {
      throw new AssertionError("onBytes after onClosed");
    }
    if (toThrow != null) {
      throw toThrow;
    }
    byte[] copy = new byte[message.remaining()];
    message.get(copy);
    messages.add(copy);
    bytes.write(copy, 0, copy.length);
    notifyAll();
  }

  @Override
  public synchronized void onWritabilityChanged(boolean writable) {
    writability.add(writable);
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

  /** Waits until {@code count} messages arrived and returns them all; fails if the link closes first. */
  synchronized List<byte[]> awaitMessages(int count) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (messages.size() < count) {
      awaitMore(deadline, messages.size() + " of " + count + " messages");
    }
    return new ArrayList<>(messages);
  }

  /** Waits until at least {@code count} bytes arrived and returns all of them; fails if the link closes first. */
  synchronized byte[] awaitBytes(int count) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (bytes.size() < count) {
      awaitMore(deadline, bytes.size() + " of " + count + " bytes");
    }
    return bytes.toByteArray();
  }

  private void awaitMore(long deadline, String progress) throws InterruptedException, TimeoutException {
    if (closed.isDone()) {
      throw new AssertionError("link closed after " + progress, closed.getNow(null));
    }
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new TimeoutException("received " + progress);
    }
    wait(left);
  }

  /**
   * Waits until the last writability change reported is {@code writable} and returns every change so far; fails if
   * the link closes first.
   */
  synchronized List<Boolean> awaitWritability(boolean writable) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (writability.isEmpty() || writability.get(writability.size() - 1) != writable) {
      awaitMore(deadline, "writability changes " + writability + ", waiting for " + writable);
    }
    return new ArrayList<>(writability);
  }

  /** Whether no message arrives within {@code time} (waiting that long for one); fails if the link closes. */
  synchronized boolean receivesNothingWithin(java.time.Duration time) throws InterruptedException {
    int before = messages.size();
    long deadline = System.nanoTime() + time.toNanos();
    long left;
    while (messages.size() == before && !closed.isDone()
        && (left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) > 0) {
      wait(left);
    }
    if (closed.isDone()) {
      throw new AssertionError("link closed while waiting", closed.getNow(null));
    }
    return messages.size() == before;
  }

  synchronized List<byte[]> messagesSoFar() {
    return new ArrayList<>(messages);
  }

  synchronized byte[] bytesSoFar() {
    return bytes.toByteArray();
  }

  /** Waits for {@link #onClosed} and returns its cause ({@code null} for an orderly close). */
  Throwable awaitClosed() throws Exception {
    return closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Whether the link is still open after {@code time}, waiting for its close that long. */
  boolean staysOpenFor(java.time.Duration time) throws Exception {
    try {
      closed.get(time.toMillis(), TimeUnit.MILLISECONDS);
      return false;
    } catch (TimeoutException expected) {
      return true;
    }
  }

  /** The cause {@code onClosed} got, or a note that it has not run; for assertion messages. */
  Object closedCause() {
    return closed.isDone() ? closed.getNow(null) : "(open)";
  }

  boolean isClosed() {
    return closed.isDone();
  }

  int closeCount() {
    return closeCount.get();
  }

  String bytesThread() {
    return bytesThread;
  }
}
