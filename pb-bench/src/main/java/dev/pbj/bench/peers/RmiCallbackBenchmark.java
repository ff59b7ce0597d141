package dev.pbj.bench.peers;

import java.rmi.RemoteException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * RMI's version of the Referenceable callback round trip: the client passes its exported {@code Receiver}, the
 * server calls it back. (gRPC and a raw echo have no object references to call back; the report says so.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RmiCallbackBenchmark {

  private RmiEchoPeer rmi;

  @Setup
  public void setUp() throws Exception {
    rmi = RmiEchoPeer.startForCallbacks();
    rmi.callback();
  }

  @TearDown
  public void tearDown() {
    rmi.close();
  }

  @Benchmark
  public Object callback() throws RemoteException {
    return rmi.callback();
  }
}
