package dev.pbj.bench.wire;

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
 * A server's echo calls per second with {@code inflight} outstanding on one connection, seen by an independent PB
 * wire client ({@link PbEchoCalls} on a {@link PipelinedClient}: raw Netty, a hand-written handshake, pre-encoded
 * banana calls in the {@code pb} dialect, a banana scanner of its own; none of PBJ's client code). The server runs
 * in a process of its own, started in setup and stopped in teardown:
 *
 * <ul>
 *   <li>{@code pbj}: {@code pbj serve} (the demo root's {@code echo});
 *   <li>{@code twisted}: Twisted PB's server ({@code twisted_echo_bench.py --serve}, a {@code pb.Root} with
 *       {@code remote_echo}), with the Python of {@link ServerProcess#python()};
 *   <li>{@code netty}: {@link RawEchoServer} in its {@code banana} mode, which writes each call back as it came
 *       (found as a top-level banana expression), counted as its answer: the same client work, and of server work
 *       only finding each message's end, as the throughput floor does for frames.
 * </ul>
 *
 * Measured as {@link FloorThroughputBenchmark} is: one operation waits for the next {@value #ANSWERS_PER_OP}
 * answers counted by the client's event loop.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ServerThroughputBenchmark {
  static final int ANSWERS_PER_OP = FloorThroughputBenchmark.ANSWERS_PER_OP;

  @Param({"pbj", "twisted", "netty"})
  public String server;

  @Param({"1", "16", "128"})
  public int inflight;

  private ServerProcess process;
  private PipelinedClient client;
  private long target;

  @Setup
  public void setUp() throws Exception {
    process = switch (server) {
      case "pbj" -> ServerProcess.pbjServe();
      case "twisted" -> ServerProcess.twisted();
      case "netty" -> ServerProcess.rawEcho("banana");
      default -> throw new IllegalArgumentException("unknown server " + server + " (pbj, twisted, netty)");
    };
    try {
      Wire wire = "netty".equals(server) ? PbEchoCalls.againstEcho() : PbEchoCalls.againstPbServer();
      client = PipelinedClient.connect(process.port(), wire, inflight);
    } catch (Exception | Error e) {
      process.close();
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
      process.close();
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
