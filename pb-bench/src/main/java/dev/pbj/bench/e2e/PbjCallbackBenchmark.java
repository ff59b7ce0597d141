package dev.pbj.bench.e2e;

import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A Referenceable callback round trip: the client calls {@code callback(receiver, "hello")}, the server calls
 * {@code receiver.got("hello")} back over the same connection, releases the reference and answers with what
 * {@code got} returned. Four messages and a decref per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PbjCallbackBenchmark {

  @Param({"tcp", "ws"})
  public String transport;

  @Param({"banana", "msgpack"})
  public String serializer;

  private PbjFixture fixture;
  private RemoteReference root;
  private final Receiver receiver = new Receiver();

  @Setup
  public void setUp() throws Exception {
    fixture = PbjFixture.start(transport, serializer, "pool", 1);
    root = fixture.root(0);
    Object answer = callback();
    if (!"hello".equals(answer)) {
      throw new IllegalStateException("callback answered " + answer);
    }
  }

  @TearDown
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public Object callback() throws Exception {
    return root.callRemote("callback", receiver, "hello").get(Window.TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** The client's object the server calls back. */
  public static final class Receiver implements Referenceable {
    @Remote
    public Object got(Object x) {
      return x;
    }
  }
}
