package dev.pbj.bench.e2e;

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
 * Round-trip latency of one {@code echo("hello")} at a time: the caller thread sends and waits on the future, as
 * an application would. Sample mode gives the median and the 99th percentile.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PbjLatencyBenchmark {

  /** {@code tls}: TCP with TLS, its cost against {@code tcp}; {@code -p transport=wss} measures WebSocket's. */
  @Param({"tcp", "tls", "ws"})
  public String transport;

  @Param({"banana", "msgpack"})
  public String serializer;

  /** {@code pool}: PBJ's defaults; {@code direct}: no executor hand-off on either side (see {@link PbjFixture}). */
  @Param({"pool", "direct"})
  public String handoff;

  /**
   * {@code passthrough}: an interceptor on each side that only proceeds; {@code -p interceptors=none,passthrough}
   * measures what one costs.
   */
  @Param({"none"})
  public String interceptors;

  private PbjFixture fixture;
  private RemoteReference root;
  private String method;

  @Setup
  public void setUp() throws Exception {
    fixture = PbjFixture.start(transport, serializer, handoff, 1, interceptors);
    root = fixture.root(0);
    method = "direct".equals(handoff) ? "echoDirect" : "echo";
    Object answer = root.callRemote(method, "hello").get(Window.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!"hello".equals(answer)) {
      throw new IllegalStateException("echo answered " + answer);
    }
  }

  @TearDown
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public Object echo() throws Exception {
    return root.callRemote(method, "hello").get(Window.TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
