package dev.pbj.bench.e2e;

import dev.pbj.RemoteReference;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Calls per second with {@code inflight} {@code echo("hello")} calls outstanding on one connection: each operation
 * waits for a free slot and sends one call; the slot frees when the answer arrives. In steady state the rate of
 * sends is the rate of answers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PbjThroughputBenchmark {

  /** {@code tls}: TCP with TLS, its cost against {@code tcp}; {@code -p transport=wss} measures WebSocket's. */
  @Param({"tcp", "tls", "ws"})
  public String transport;

  @Param({"banana", "msgpack"})
  public String serializer;

  @Param({"1", "16", "128"})
  public int inflight;

  /**
   * {@code pool}: PBJ's defaults, what the report measures; {@code -p handoff=direct} on the JMH command line
   * measures without executor hand-offs on either side (see {@link PbjFixture}).
   */
  @Param({"pool"})
  public String handoff;

  /**
   * {@code passthrough}: an interceptor on each side that only proceeds; {@code -p interceptors=none,passthrough}
   * measures what one costs.
   */
  @Param({"none"})
  public String interceptors;

  private String method;

  private PbjFixture fixture;
  private RemoteReference root;
  private Window window;

  @Setup
  public void setUp() throws Exception {
    fixture = PbjFixture.start(transport, serializer, handoff, 1, interceptors);
    root = fixture.root(0);
    method = "direct".equals(handoff) ? "echoDirect" : "echo";
    root.callRemote(method, "hello").get(Window.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    window = new Window(inflight);
  }

  @TearDown(Level.Iteration)
  public void settle() throws InterruptedException {
    window.drain();
  }

  @TearDown
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public void call() throws InterruptedException {
    window.acquire();
    window.track(root.callRemote(method, "hello"));
  }
}
