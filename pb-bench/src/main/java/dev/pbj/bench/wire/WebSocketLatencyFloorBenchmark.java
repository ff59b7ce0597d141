package dev.pbj.bench.wire;

import dev.pbj.bench.codec.Message;
import dev.pbj.bench.codec.PbCodec;
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
 * The WebSocket latency floor, beside {@code PbjLatencyBenchmark} over ws/msgpack: one binary frame of PBJ's bytes
 * for {@code echo("hello")} at a time to the raw Undertow echo ({@link RawWebSocketEchoServer}, a process of its
 * own), the caller thread writing it and waiting for the answer as a blocking PBJ caller does
 * ({@link BlockingWebSocketClient}). Sample mode gives the median and the 99th percentile.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WebSocketLatencyFloorBenchmark {
  private ServerProcess server;
  private BlockingWebSocketClient client;

  @Setup
  public void setUp() throws Exception {
    byte[] payload = new PbCodec("msgpack").encode(Message.SMALL_CALL);
    server = ServerProcess.webSocketEcho();
    try {
      client = BlockingWebSocketClient.connect(server.port(), payload);
      client.roundTrip();
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  @TearDown
  public void tearDown() {
    try {
      client.close();
    } finally {
      server.close();
    }
  }

  @Benchmark
  public void echo() throws Exception {
    client.roundTrip();
  }
}
