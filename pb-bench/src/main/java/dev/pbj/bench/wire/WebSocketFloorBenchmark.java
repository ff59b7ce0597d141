package dev.pbj.bench.wire;

import dev.pbj.bench.codec.Message;
import dev.pbj.bench.codec.PbCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The WebSocket throughput floor, beside {@link FloorThroughputBenchmark}'s raw Netty one: the most echo calls per
 * second a raw WebSocket client gets from a raw Undertow WebSocket echo ({@link RawWebSocketEchoServer}, in a process
 * of its own) with {@code inflight} outstanding on one connection, each call one binary frame carrying the bytes
 * PBJ sends over ws/msgpack for {@code echo("hello")} (one PB message per frame). Undertow is the server PBJ's
 * WebSocket transport runs on, so what PBJ over ws adds to this is PBJ's.
 *
 * <p>The client is a {@link PipelinedClient} speaking {@link WebSocketEcho}: the handshake by hand, then pre-masked
 * frames written from its event loop as answers arrive, one flush per read. Measured as the raw Netty floor is: one
 * operation waits, parked, for the next {@value #ANSWERS_PER_OP} answers, so the score is calls/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WebSocketFloorBenchmark {
  static final int ANSWERS_PER_OP = FloorThroughputBenchmark.ANSWERS_PER_OP;

  @Param({"1", "16", "128"})
  public int inflight;

  private ServerProcess server;
  private PipelinedClient client;
  private long target;

  @Setup
  public void setUp() throws Exception {
    byte[] payload = new PbCodec("msgpack").encode(Message.SMALL_CALL);
    server = ServerProcess.webSocketEcho();
    try {
      client = PipelinedClient.connect(server.port(), new WebSocketEcho(payload, server.port()), inflight);
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  @Setup(Level.Iteration)
  public void startCounting() {
    target = client.answered();
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
  @OperationsPerInvocation(ANSWERS_PER_OP)
  public long calls() throws InterruptedException {
    target += ANSWERS_PER_OP;
    client.awaitAnswers(target);
    return target;
  }
}
