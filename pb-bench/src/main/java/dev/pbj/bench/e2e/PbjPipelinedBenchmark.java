package dev.pbj.bench.e2e;

import dev.pbj.RemoteReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Calls per second with {@code inflight} {@code echo("hello")} calls outstanding on one connection, driven the way
 * the throughput floor drives raw Netty ({@code FloorThroughputBenchmark}): each answer's callback sends the next
 * call (on the client's executor, where PBJ runs callbacks), and one operation waits, parked, for the next
 * {@value #ANSWERS_PER_OP} answers. {@link PbjThroughputBenchmark} sends every call from the JMH thread instead,
 * which adds a wake-up of that thread per call: the floor pays neither, so this is the like-for-like figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PbjPipelinedBenchmark {
  /** As the floor's: answers per operation. */
  static final int ANSWERS_PER_OP = 1000;

  @Param({"tcp", "ws"})
  public String transport;

  @Param({"banana", "msgpack"})
  public String serializer;

  @Param({"16", "128"})
  public int inflight;

  private PbjFixture fixture;
  private RemoteReference root;
  private final AtomicLong answered = new AtomicLong();
  private volatile boolean running;
  private volatile Throwable failure;
  private volatile Thread waiter;
  private volatile long wakeAt = Long.MAX_VALUE;
  private long target;

  @Setup
  public void setUp() throws Exception {
    fixture = PbjFixture.start(transport, serializer, "pool", 1);
    root = fixture.root(0);
    root.callRemote("echo", "hello").get(Window.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    running = true;
    for (int i = 0; i < inflight; i++) {
      next();
    }
  }

  /** Sends one call; its answer counts and sends the next, until teardown. */
  private void next() {
    root.callRemote("echo", "hello").whenComplete((value, error) -> {
      if (error != null) {
        failure = error;
        wake();
        return;
      }
      if (answered.incrementAndGet() >= wakeAt) {
        wake();
      }
      if (running) {
        next();
      }
    });
  }

  private void wake() {
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  @Setup(Level.Iteration)
  public void startCounting() {
    target = answered.get();
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    running = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Window.TIMEOUT_SECONDS);
    long last = -1;
    while (answered.get() != last && System.nanoTime() < deadline) { // the calls in flight settle
      last = answered.get();
      Thread.sleep(50);
    }
    fixture.close();
  }

  @Benchmark
  @OperationsPerInvocation(ANSWERS_PER_OP)
  public long calls() throws InterruptedException {
    target += ANSWERS_PER_OP;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Window.TIMEOUT_SECONDS);
    wakeAt = target;
    waiter = Thread.currentThread();
    try {
      while (answered.get() < target) {
        Throwable failed = failure;
        if (failed != null) {
          throw new IllegalStateException("a call failed after " + answered.get() + " answers: " + failed, failed);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("only " + answered.get() + " of " + target + " answers within "
              + Window.TIMEOUT_SECONDS + " s (" + inflight + " in flight)");
        }
        LockSupport.parkNanos(this, left);
      }
    } finally {
      waiter = null;
      wakeAt = Long.MAX_VALUE;
    }
    return target;
  }
}
