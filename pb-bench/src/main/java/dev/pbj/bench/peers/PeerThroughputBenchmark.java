package dev.pbj.bench.peers;

import dev.pbj.bench.e2e.Window;
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
 * The other stacks' echo calls per second with {@code inflight} outstanding, driven as PBJ's are. The raw Netty
 * echo ({@code -p peer=netty}) is left out by default: driven from a JMH thread it is far from what raw Netty can do,
 * so the throughput floor is {@link dev.pbj.bench.wire.FloorThroughputBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PeerThroughputBenchmark {

  @Param({"grpc", "rmi"})
  public String peer;

  @Param({"1", "16", "128"})
  public int inflight;

  private EchoPeer echo;
  private Window window;

  @Setup
  public void setUp() throws Exception {
    echo = EchoPeer.start(peer, inflight);
    window = new Window(inflight);
  }

  @TearDown(Level.Iteration)
  public void settle() throws InterruptedException {
    window.drain();
  }

  @TearDown
  public void tearDown() {
    echo.close();
  }

  @Benchmark
  public void call() throws InterruptedException {
    window.acquire();
    window.track(echo.send());
  }
}
