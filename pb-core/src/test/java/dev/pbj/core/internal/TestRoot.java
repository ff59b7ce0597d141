package dev.pbj.core.internal;

import dev.pbj.Broker;
import dev.pbj.PbError;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import java.math.BigInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/** The root served in broker tests. */
public class TestRoot implements Referenceable {
  final LinkedBlockingQueue<Object> oneWay = new LinkedBlockingQueue<>();
  public final CompletableFuture<Object> gate = new CompletableFuture<>();
  volatile Thread lastThread;

  @Remote
  public Object echo(Object x) {
    lastThread = Thread.currentThread();
    return x;
  }

  @Remote(value = "echoFast", nonBlocking = true)
  public Object echoOnIoThread(Object x) {
    lastThread = Thread.currentThread();
    return x;
  }

  /** A method that blocks until the caller answers a call it makes back: the connection reads on meanwhile. */
  @Remote
  public Object askBack(RemoteReference caller) {
    try (caller) {
      return caller.callRemote("echo", "back").join();
    }
  }

  @Remote
  public Object add(Object a, Object b) {
    if (a instanceof Double || b instanceof Double) {
      return ((Number) a).doubleValue() + ((Number) b).doubleValue();
    }
    return toBig(a).add(toBig(b));
  }

  private static BigInteger toBig(Object n) {
    return n instanceof BigInteger ? (BigInteger) n : BigInteger.valueOf(((Number) n).longValue());
  }

  @Remote
  public int twice(int n) {
    return 2 * n;
  }

  @Remote
  public void fail(String message) {
    throw new PbError(message);
  }

  @Remote
  public void crash() {
    throw new IllegalStateException("boom");
  }

  @Remote
  public CompletionStage<Object> callback(RemoteReference ref, Object x) {
    return ref.callRemote("got", x).whenComplete((v, e) -> ref.close());
  }

  @Remote
  public Counter counter(long start) {
    return new Counter(start);
  }

  @Remote("counter")
  public Counter counter() {
    return new Counter(0);
  }

  @Remote
  public boolean same(Object a, Object b) {
    return a == b;
  }

  @Remote
  public CompletionStage<Object> later() {
    return gate;
  }

  @Remote
  public void record(Object x) {
    oneWay.add(x);
  }

  @Remote
  public int exported(Broker caller) {
    return caller.stats().localObjects();
  }

  @Remote
  public CompletionStage<Object> never() {
    return new CompletableFuture<>();
  }

  @Remote
  public Object unsendable() {
    return new Object();
  }

  /** Raises the {@link Error} named; {@code "StackOverflowError"} by a real runaway recursion. */
  @Remote
  public Object raise(String error) {
    switch (error) {
      case "StackOverflowError" -> {
        return recurse(0);
      }
      case "LinkageError" -> throw new NoClassDefFoundError("com/example/Missing");
      case "ExceptionInInitializerError" -> throw new ExceptionInInitializerError(new IllegalStateException("init"));
      case "AssertionError" -> throw new AssertionError("broken invariant");
      case "OutOfMemoryError" -> throw new OutOfMemoryError("Java heap space (thrown by the test)");
      default -> throw new IllegalArgumentException(error);
    }
  }

  private static long recurse(long depth) {
    return recurse(depth + 1) + 1;
  }

  /** Released by the tests: what {@link #blockUntilReleased} waits for. */
  public final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
  public final java.util.concurrent.atomic.AtomicInteger blocked = new java.util.concurrent.atomic.AtomicInteger();

  /** Holds its worker thread until the test releases it. */
  @Remote
  public long blockUntilReleased(long n) throws InterruptedException {
    blocked.incrementAndGet();
    if (!release.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IllegalStateException("not released");
    }
    return n;
  }

  /** Completed by the tests: when {@link #callAfterGate} calls its reference. */
  public final CompletableFuture<Object> callGate = new CompletableFuture<>();

  /** Answers, once the test opens {@link #callGate}, with what {@code ref.echo("late")} answers. */
  @Remote
  public CompletionStage<Object> callAfterGate(RemoteReference ref) {
    return callGate.thenCompose(ignored -> ref.callRemote("echo", "late"))
        .whenComplete((answer, error) -> ref.close());
  }

  /** Closes the reference it was given, as the demo's callback does once done. */
  @Remote
  public String closeIt(RemoteReference ref) {
    ref.close();
    return "closed";
  }

  /** A copy whose state getter calls back into the connection it is being sent over. */
  public static final class Chatty implements dev.pbj.Copyable {
    final RemoteReference caller;
    public final CompletableFuture<Object> calledBack = new CompletableFuture<>();

    Chatty(RemoteReference caller) {
      this.caller = caller;
    }

    @Override
    public String typeToCopy() {
      return "test.Chatty";
    }

    @Override
    public Object getStateToCopy() {
      // runs while the answer carrying this copy is encoded: the call goes out right after it, nobody waits
      caller.callRemote("echo", "from the getter").whenComplete((answer, error) -> {
        caller.close();
        if (error != null) {
          calledBack.completeExceptionally(error);
        } else {
          calledBack.complete(answer);
        }
      });
      return java.util.Map.of("note", "copied");
    }
  }

  public volatile Chatty lastChatty;

  @Remote
  public Chatty chatty(RemoteReference caller) {
    lastChatty = new Chatty(caller);
    return lastChatty;
  }

  /** A Referenceable with a counter, as in the demo contract. */
  public static final class Counter implements Referenceable {
    private long value;

    Counter(long start) {
      this.value = start;
    }

    @Remote
    public synchronized long increment(long n) {
      return value += n;
    }

    @Remote("increment")
    public synchronized long increment() {
      return ++value;
    }

    @Remote
    public synchronized long value() {
      return value;
    }
  }
}
