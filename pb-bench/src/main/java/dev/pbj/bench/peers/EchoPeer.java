package dev.pbj.bench.peers;

import java.util.concurrent.CompletableFuture;

/**
 * Another RPC stack doing the end-to-end benchmarks' echo over loopback, server and client in this JVM. Closing
 * releases its sockets and threads.
 */
public interface EchoPeer extends AutoCloseable {

  /** One echo, the caller waiting for its answer the way that stack's callers wait. */
  Object roundTrip() throws Exception;

  /** Sends one echo without waiting; the future completes with its answer. */
  CompletableFuture<?> send();

  @Override
  void close();

  /**
   * Starts {@code name}: {@code netty} (the latency floor), {@code grpc} or {@code rmi}; {@code maxInFlight} is the
   * most calls {@link #send()} will be asked to keep outstanding.
   */
  static EchoPeer start(String name, int maxInFlight) throws Exception {
    return switch (name) {
      case "netty" -> NettyEchoPeer.start();
      case "grpc" -> GrpcEchoPeer.start();
      case "rmi" -> RmiEchoPeer.start(maxInFlight);
      default -> throw new IllegalArgumentException("unknown peer " + name + " (netty, grpc, rmi)");
    };
  }
}
