package dev.pbj.websocket;

import io.undertow.Undertow;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * One provider's server threads: an XNIO worker (daemon I/O threads named {@code pbj-ws I/O-N}, two task threads
 * for TLS handshakes) and the buffer pool its connections read into. Started on the provider's first
 * {@code listen}; shared by its servers.
 */
final class ServerRuntime {

  private static final Logger log = LoggerFactory.getLogger(ServerRuntime.class);
  private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;
  private static final int BUFFER_SIZE = 16 * 1024;

  final Xnio xnio;
  final XnioWorker worker;
  final ByteBufferPool buffers;

  private ServerRuntime(Xnio xnio, XnioWorker worker, ByteBufferPool buffers) {
    this.xnio = xnio;
    this.worker = worker;
    this.buffers = buffers;
  }

  static ServerRuntime start(int ioThreads) {
    Xnio xnio = Xnio.getInstance(Undertow.class.getClassLoader());
    XnioWorker worker;
    try {
      worker = xnio.createWorker(OptionMap.builder()
          .set(Options.WORKER_NAME, "pbj-ws")
          .set(Options.WORKER_IO_THREADS, ioThreads)
          .set(Options.WORKER_TASK_CORE_THREADS, 1)
          .set(Options.WORKER_TASK_MAX_THREADS, 2)
          .set(Options.THREAD_DAEMON, true)
          .set(Options.TCP_NODELAY, true)
          .getMap());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the WebSocket server threads", e);
    }
    log.debug("WebSocket transport: XNIO worker with {} I/O threads", ioThreads);
    return new ServerRuntime(xnio, worker, new DefaultByteBufferPool(true, BUFFER_SIZE, -1, 4));
  }

  /** Whether the calling thread is one of the worker's I/O threads, where blocking to wait would deadlock. */
  boolean inIoThread() {
    return Thread.currentThread() instanceof XnioIoThread thread && thread.getWorker() == worker;
  }

  /** Stops the threads, which closes the connections still open; waits for them unless called on one. */
  void shutdown() {
    worker.shutdown();
    if (!inIoThread()) {
      try {
        if (!worker.awaitTermination(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
          worker.shutdownNow();
        }
      } catch (InterruptedException e) {
        worker.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    buffers.close();
  }
}
