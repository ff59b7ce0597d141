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
  final CompletableFuture<Object> gate = new CompletableFuture<>();
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

  /** Wrong on purpose: a method on the I/O thread that waits for an answer only that thread can read. */
  @Remote(nonBlocking = true)
  public Object askBackOnIoThread(RemoteReference caller) {
    return caller.callRemote("echo", "back").join();
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
