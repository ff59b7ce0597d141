package dev.pbj.core.internal;

import dev.pbj.spi.Link;
import dev.pbj.spi.LinkHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One end of an in-memory byte pipe: what it sends is delivered to the other end's handler on that end's own
 * single "I/O" thread, in order, as a transport would. Records every byte sent, for golden comparisons.
 */
final class MemoryLink implements Link {
  private final String name;
  private final ExecutorService io;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  private final AtomicBoolean closed;
  private MemoryLink peer;
  private volatile LinkHandler handler;
  /** Deliver each message one byte at a time, to exercise incremental decoding. */
  volatile boolean trickle;

  private MemoryLink(String name, AtomicBoolean closed) {
    this.name = name;
    this.closed = closed;
    this.io = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "memory-io-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Two connected ends. */
  static MemoryLink[] pair() {
    AtomicBoolean closed = new AtomicBoolean();
    MemoryLink a = new MemoryLink("client", closed);
    MemoryLink b = new MemoryLink("server", closed);
    a.peer = b;
    b.peer = a;
    return new MemoryLink[] {a, b};
  }

  /** Installs the handler and runs {@code start} on this end's I/O thread, before anything is delivered. */
  void open(LinkHandler handler, Runnable start) {
    this.handler = handler;
    io.execute(start);
  }

  @Override
  public void send(byte[] message) {
    if (closed.get()) {
      return;
    }
    synchronized (sent) {
      sent.write(message, 0, message.length);
    }
    peer.deliver(message);
  }

  /** Delivers raw bytes to this end as if the peer had sent them. */
  void deliver(byte[] message) {
    io.execute(() -> {
      if (handler == null) {
        return;
      }
      try {
        if (trickle) {
          for (byte b : message) {
            handler.onBytes(ByteBuffer.wrap(new byte[] {b}));
          }
        } else {
          handler.onBytes(ByteBuffer.wrap(message));
        }
      } catch (RuntimeException e) {
        closeWith(e);
      }
    });
  }

  private void closeWith(Throwable cause) {
    if (closed.compareAndSet(false, true)) {
      finish(cause);
      peer.finish(null);
    }
  }

  private void finish(Throwable cause) {
    io.execute(() -> {
      LinkHandler h = handler;
      handler = null;
      if (h != null) {
        h.onClosed(cause);
      }
    });
    io.shutdown();
  }

  @Override
  public void close() {
    closeWith(null);
  }

  boolean awaitClosed() throws InterruptedException {
    return io.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Every byte this end has sent so far. */
  byte[] sentBytes() {
    synchronized (sent) {
      return sent.toByteArray();
    }
  }

  void clearSent() {
    synchronized (sent) {
      sent.reset();
    }
  }

  @Override
  public SocketAddress localAddress() {
    return InetSocketAddress.createUnresolved(name, 1);
  }

  @Override
  public SocketAddress remoteAddress() {
    return peer.localAddress();
  }
}
