package dev.pbj.bench.peers;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * gRPC-java unary calls of an echo method whose request and answer are raw bytes ({@code "hello"} in UTF-8), with a
 * byte-array marshaller instead of protobuf, over grpc-netty-shaded with gRPC's default executors (a hand-off on
 * each side, as PBJ's defaults have). The caller waits on a future completed by the response observer.
 */
final class GrpcEchoPeer implements EchoPeer {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName("pbj.bench.Echo", "Echo"))
      .setRequestMarshaller(BYTES)
      .setResponseMarshaller(BYTES)
      .build();

  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

  private final Server server;
  private final ManagedChannel channel;

  private GrpcEchoPeer(Server server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
  }

  static GrpcEchoPeer start() throws Exception {
    ServerServiceDefinition service = ServerServiceDefinition.builder("pbj.bench.Echo")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> response) -> {
          response.onNext(request);
          response.onCompleted();
        }))
        .build();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(loopback, 0)).addService(service).build()
        .start();
    ManagedChannel channel = NettyChannelBuilder.forAddress(new InetSocketAddress(loopback, server.getPort()))
        .usePlaintext().build();
    GrpcEchoPeer peer = new GrpcEchoPeer(server, channel);
    try {
      peer.roundTrip();
    } catch (Exception e) {
      peer.close();
      throw e;
    }
    return peer;
  }

  @Override
  public Object roundTrip() throws Exception {
    return send().get(10, TimeUnit.SECONDS);
  }

  @Override
  public CompletableFuture<byte[]> send() {
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(channel.newCall(ECHO, CallOptions.DEFAULT), HELLO, new StreamObserver<>() {
      private byte[] value;

      @Override
      public void onNext(byte[] value) {
        this.value = value;
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        answer.complete(value);
      }
    });
    return answer;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
