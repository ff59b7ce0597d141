package dev.pbj.cli.demo;

import dev.pbj.Bytes;
import dev.pbj.CopiedObject;
import dev.pbj.PbError;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.core.paging.PageCollector;
import dev.pbj.core.paging.Pager;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The root object {@code pbj serve} serves: the demo contract of DESIGN.md, whose wire names tests and examples in
 * every language rely on. Its only state is the {@link DemoWorld} (the room and the board) it was made with;
 * thread-safe, so one instance serves every connection. Roots made per connection share one room only when they
 * are given the same world; login is the portal's ({@link DemoWorld#portal()}, served beside the root with
 * {@code PbServer.builder().portal(…)}).
 *
 * <p>Open for extension: test modules subclass it to add methods of their own beside the contract's.
 */
public class DemoRoot implements Referenceable {
  private final DemoWorld world;

  /** A root with a world of its own. */
  public DemoRoot() {
    this(new DemoWorld());
  }

  /** A root on {@code world}, which other roots (other connections) may share. */
  public DemoRoot(DemoWorld world) {
    this.world = Objects.requireNonNull(world, "world");
  }

  /** The world this root serves. */
  public final DemoWorld world() {
    return world;
  }

  /** Returns {@code x} unchanged: shared and cyclic structures come back with the same shape. */
  @Remote(nonBlocking = true)
  public Object echo(Object x) {
    return x;
  }

  /**
   * Python's {@code a + b} for the values PB carries: integers of any size (the sum is a {@code Long} when it
   * fits), floats (when either side is one), and concatenation of two texts, byte strings, lists or tuples.
   */
  @Remote(nonBlocking = true)
  public Object add(Object a, Object b) {
    if (isInteger(a) && isInteger(b)) {
      return narrow(toBigInteger(a).add(toBigInteger(b)));
    }
    if (isNumber(a) && isNumber(b)) {
      return toDouble(a) + toDouble(b);
    }
    if (a instanceof String && b instanceof String) {
      return (String) a + b;
    }
    if (a instanceof Bytes && b instanceof Bytes) {
      byte[] joined = new byte[((Bytes) a).length() + ((Bytes) b).length()];
      ((Bytes) a).copyTo(joined, 0);
      ((Bytes) b).copyTo(joined, ((Bytes) a).length());
      return Bytes.wrap(joined);
    }
    if (a instanceof Tuple && b instanceof Tuple) {
      return Tuple.copyOf(concat((Tuple) a, (Tuple) b));
    }
    if (a instanceof List && b instanceof List && !(a instanceof Tuple) && !(b instanceof Tuple)) {
      return concat((List<?>) a, (List<?>) b);
    }
    throw new IllegalArgumentException("unsupported operand type(s) for +: " + typeName(a) + " and "
        + typeName(b));
  }

  /** Raises PB's application error: Twisted callers see a {@code pb.Error} carrying {@code message}. */
  @Remote(nonBlocking = true)
  public void fail(String message) {
    throw new PbError(message);
  }

  /** Fails unexpectedly: callers see a remote error named {@code java.lang.IllegalStateException}. */
  @Remote(nonBlocking = true)
  public void crash() {
    throw new IllegalStateException("crash requested");
  }

  /**
   * Calls {@code ref.got(x)} and answers with its answer (or its failure). The reference is released before the
   * answer is sent, so once the caller has the answer, the server no longer holds its object.
   */
  @Remote(nonBlocking = true)
  public CompletionStage<Object> callback(RemoteReference ref, Object x) {
    CompletableFuture<Object> got = ref.callRemote("got", x);
    // Released before the answer goes out, so the caller sees its object freed by the time it has the answer.
    CompletableFuture<Object> answer = got.whenComplete((value, error) -> ref.close());
    answer.whenComplete((value, error) -> {
      if (answer.isCancelled()) { // the caller gave up: stop waiting for "got" and release at once
        got.cancel(false);
        ref.close();
      }
    });
    return answer;
  }

  /**
   * Pages {@code nbytes} of the demo pattern (byte {@code i} is {@code i % 251}) to {@code collector} with Twisted's
   * paging protocol, 64 KiB a page, each sent when the connection can take it; answers at once, as a Twisted
   * method starting a {@code FilePager} does. The collector is released once the paging ends.
   */
  @Remote(nonBlocking = true)
  public void download(RemoteReference collector, long nbytes) {
    if (nbytes < 0) {
      throw new PbError("nbytes must not be negative, got " + nbytes);
    }
    Pager.send(collector, new PatternStream(nbytes), Pager.DEFAULT_PAGE_SIZE)
        .whenComplete((sent, error) -> collector.close());
  }

  /**
   * Pulls every page from {@code source} as Twisted's {@code getAllPages(source, "getPages")} does and answers
   * {@code [length, sha256 hex]} of their bytes, which are not kept.
   */
  @Remote(nonBlocking = true)
  public CompletionStage<List<Object>> upload(RemoteReference source) {
    MessageDigest sha256 = sha256();
    PageCollector<Long> collector = PageCollector.toStream(new DigestOutputStream(OutputStream.nullOutputStream(),
        sha256));
    return PageCollector.collect(source, "getPages", new Object[0], collector)
        .thenApply(length -> List.<Object>of(length, HexFormat.of().formatHex(sha256.digest())))
        .whenComplete((answer, error) -> source.close());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A new {@link Counter} starting at 0. */
  @Remote(value = "counter", nonBlocking = true)
  public Counter counter() {
    return new Counter(0);
  }

  /** A new {@link Counter} starting at {@code start} (the keyword {@code start} binds here too). */
  @Remote(nonBlocking = true)
  public Counter counter(long start) {
    return new Counter(start);
  }

  /** A {@code pbj.demo.Point} copy. */
  @Remote(nonBlocking = true)
  public Point point(long x, long y) {
    return new Point(x, y);
  }

  /**
   * Takes a {@code pbj.demo.Point} copy from the caller and returns {@code [x, y]}. Anything else raises PB's
   * application error, as Twisted's demo server does.
   */
  @Remote(value = "accept_point", nonBlocking = true)
  public List<Long> acceptPoint(Object p) {
    if (p instanceof Point) {
      Point point = (Point) p;
      return new ArrayList<>(List.of(point.x(), point.y()));
    }
    String got = p instanceof CopiedObject ? ((CopiedObject) p).typeName() + " copy" : typeName(p);
    throw new PbError("expected a " + Point.TYPE + " copy, got " + got);
  }

  /** The shared {@link Room}: the caller gets (or, if it already has one, keeps) its replica. */
  @Remote(nonBlocking = true)
  public Room room() {
    return world.room();
  }

  /** Appends {@code text} to the room's messages; every observer gets {@code said(text)}. */
  @Remote
  public void say(String text) {
    world.room().say(text);
  }

  /** What {@code counter(start=0)} hands out: a Referenceable holding one number. Thread-safe. */
  public static final class Counter implements Referenceable {
    private long value;

    public Counter(long start) {
      this.value = start;
    }

    /** Adds 1; returns the new value. */
    @Remote(value = "increment", nonBlocking = true)
    public synchronized long increment() {
      return ++value;
    }

    /** Adds {@code n}; returns the new value. */
    @Remote(nonBlocking = true)
    public synchronized long increment(long n) {
      value += n;
      return value;
    }

    /** The current value. */
    @Remote(nonBlocking = true)
    public synchronized long value() {
      return value;
    }
  }

  private static boolean isInteger(Object x) {
    return x instanceof Long || x instanceof Integer || x instanceof Short || x instanceof Byte
        || x instanceof BigInteger;
  }

  private static boolean isNumber(Object x) {
    return isInteger(x) || x instanceof Double || x instanceof Float;
  }

  private static BigInteger toBigInteger(Object x) {
    return x instanceof BigInteger ? (BigInteger) x : BigInteger.valueOf(((Number) x).longValue());
  }

  private static double toDouble(Object x) {
    return ((Number) x).doubleValue();
  }

  private static Object narrow(BigInteger n) {
    return n.bitLength() < 64 ? (Object) n.longValue() : n;
  }

  private static List<Object> concat(List<?> a, List<?> b) {
    List<Object> joined = new ArrayList<>(a.size() + b.size());
    joined.addAll(a);
    joined.addAll(b);
    return joined;
  }

  private static String typeName(Object x) {
    return x == null ? "None" : "'" + x.getClass().getSimpleName() + "'";
  }
}
