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
 * The throughput floor: the most echo calls per second raw Netty does with {@code inflight} outstanding on one
 * connection, for the bytes PBJ sends over tcp/msgpack for {@code echo("hello")} (a length-prefixed frame). The
 * server is {@link RawEchoServer} in a process of its own (started in setup, killed in teardown; under
 * {@code taskset} it inherits the pinning); the client is a {@link PipelinedClient} in this JVM, writing the next
 * frames from its event loop as answers arrive and flushing once per read.
 *
 * <p>{@code echo=frames}, the floor: the server writes each frame back as a message of its own (found by
 * {@code LengthFieldBasedFrameDecoder}), the least any RPC server does per call. {@code echo=bytes}: it writes back
 * each buffer as read, with no per-message work at all; with many calls in flight that is a byte-copying bound,
 * not an RPC one, and the report shows it beside the floor, not as the floor.
 *
 * <p>The client runs free from setup to teardown; one operation waits, parked, for the next
 * {@value #ANSWERS_PER_OP} answers it counts, and counts as that many (JMH's {@code @OperationsPerInvocation}). The
 * targets chain within an iteration (each starts where the last one ended, not where the waiter woke), so the
 * score is answers per second of measured time, exactly. {@code gc.alloc.rate.norm} covers this JVM (the client)
 * only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FloorThroughputBenchmark {
  /** Answers per operation: few enough wake-ups to cost nothing, enough to keep an operation under a second. */
  static final int ANSWERS_PER_OP = 1000;

  @Param({"1", "16", "128"})
  public int inflight;

  @Param({"frames", "bytes"})
  public String echo;

  private ServerProcess server;
  private PipelinedClient client;
  private long target;

  @Setup
  public void setUp() throws Exception {
    byte[] frame = new PbCodec("msgpack").encode(Message.SMALL_CALL);
    server = ServerProcess.rawEcho(echo);
    try {
      client = PipelinedClient.connect(server.port(), new LengthPrefixedEcho(frame), inflight);
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
