package dev.pbj.core.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor for remote methods and completions: threads are made on demand and reused, up to a
 * bound, so a method that blocks does not hold up other connections. When every thread is busy the task runs on
 * the submitting thread rather than being lost.
 */
public final class Workers {
  private static final int MAX_THREADS = 256;

  private Workers() {}

  public static ExecutorService newDefault(String name) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    return new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), factory,
        new ThreadPoolExecutor.CallerRunsPolicy());
  }
}
