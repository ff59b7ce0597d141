package dev.pbj.bench.peers;

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

/** The other stacks' echo latency, one call at a time, measured as PBJ's is (sample mode, microseconds). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PeerLatencyBenchmark {

  @Param({"netty", "grpc", "rmi"})
  public String peer;

  private EchoPeer echo;

  @Setup
  public void setUp() throws Exception {
    echo = EchoPeer.start(peer, 1);
  }

  @TearDown
  public void tearDown() {
    echo.close();
  }

  @Benchmark
  public Object echo() throws Exception {
    return echo.roundTrip();
  }
}
