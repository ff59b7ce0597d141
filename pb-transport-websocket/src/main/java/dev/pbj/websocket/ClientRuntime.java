package dev.pbj.websocket;

import dev.pbj.TlsOptions;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * One provider's client threads: the JDK {@link HttpClient} its WebSockets come from, the pool that client and the
 * links' {@link dev.pbj.spi.SerialExecutor}s run on (daemons named {@code pbj-ws-client-N}), and one timer thread
 * ({@code pbj-ws-timer}) for keepalive and close grace. Started on the provider's first {@code connect}.
 *
 * <p>A connection whose acceptor has its own {@link TlsOptions} gets an {@code HttpClient} of its own for them, on the
 * same pool, kept while those options are in use.
 *
 * <p>On Java 17 an {@code HttpClient} cannot be closed: its selector thread ends once the client is unreachable,
 * which {@link #shutdown()} lets happen by stopping the pool the client runs on.
 */
final class ClientRuntime {

  private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;

  final HttpClient httpClient;
  final ExecutorService pool;
  final ScheduledThreadPoolExecutor timer;
  private final ThreadGroup poolThreads;
  /** The clients of acceptors with their own TLS options; weak keys: a client is dropped with its options. */
  private final Map<TlsOptions, HttpClient> tlsClients = new WeakHashMap<>(); // guarded by itself

  private ClientRuntime(HttpClient httpClient, ExecutorService pool, ScheduledThreadPoolExecutor timer,
      ThreadGroup poolThreads) {
    this.httpClient = httpClient;
    this.pool = pool;
    this.timer = timer;
    this.poolThreads = poolThreads;
  }

  static ClientRuntime start(SSLContext sslContext) {
    var poolThreads = new ThreadGroup("pbj-ws-client");
    ExecutorService pool = Executors.newCachedThreadPool(daemons(poolThreads, "pbj-ws-client-"));
    var timer = new ScheduledThreadPoolExecutor(1, daemons(null, "pbj-ws-timer-"));
    timer.setRemoveOnCancelPolicy(true);
    HttpClient.Builder http = HttpClient.newBuilder().executor(pool);
    if (sslContext != null) {
      http.sslContext(sslContext);
    }
    return new ClientRuntime(http.build(), pool, timer, poolThreads);
  }

  /** The client for a connection with {@code tls} ({@code null}: the provider's own settings). */
  HttpClient httpClient(TlsOptions tls) {
    if (tls == null) {
      return httpClient;
    }
    synchronized (tlsClients) {
      return tlsClients.computeIfAbsent(tls,
          options -> HttpClient.newBuilder().executor(pool).sslContext(options.sslContext()).build());
    }
  }

  /** Whether the calling thread is one of the pool's, where waiting for the links could starve them. */
  boolean inClientThread() {
    return Thread.currentThread().getThreadGroup() == poolThreads;
  }

  void shutdown() {
    timer.shutdownNow();
    pool.shutdown();
    if (!inClientThread()) {
      try {
        if (!pool.awaitTermination(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
          pool.shutdownNow();
        }
      } catch (InterruptedException e) {
        pool.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadFactory daemons(ThreadGroup group, String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(group, task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
