package dev.pbj.bench.peers;

import dev.pbj.bench.codec.Message;
import dev.pbj.bench.codec.PbCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The latency floor: a raw Netty echo of the very bytes PBJ sends for {@code echo("hello")} (banana), framed by a
 * 4-byte length, server and client in this JVM, on the project's Netty with epoll when it loads, like
 * pb-transport-tcp. The server writes each frame back and flushes once per read; the caller writes from its own
 * thread and the client completes the oldest waiting future on its I/O thread. No serialization, no dispatch: what
 * is left is the sockets, the event loops and the thread hand-offs of a blocking caller. (Driven with many calls in
 * flight from a JMH thread it is no throughput floor: that is {@link dev.pbj.bench.wire.FloorThroughputBenchmark}.)
 */
final class NettyEchoPeer implements EchoPeer {
  private static final int FRAME_LIMIT = 1 << 20;

  private final MultiThreadIoEventLoopGroup group;
  private final Channel server;
  private final Channel client;
  private final byte[] frame;
  private final Queue<CompletableFuture<Object>> waiting = new ConcurrentLinkedQueue<>();

  private NettyEchoPeer(MultiThreadIoEventLoopGroup group, Channel server, Channel client, byte[] frame) {
    this.group = group;
    this.server = server;
    this.client = client;
    this.frame = frame;
  }

  static NettyEchoPeer start() throws InterruptedException {
    byte[] payload = new PbCodec("banana").encode(Message.SMALL_CALL);
    byte[] frame = ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends SocketChannel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(0, handlers);
    Channel server = null;
    try {
      server = new ServerBootstrap().group(group).channel(serverType)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(FRAME_LIMIT, 0, 4), new Echo());
            }
          })
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
      NettyEchoPeer[] self = new NettyEchoPeer[1];
      Channel client = new Bootstrap().group(group).channel(clientType)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(FRAME_LIMIT, 0, 4), new Answers(self));
            }
          })
          .connect(server.localAddress()).sync().channel();
      self[0] = new NettyEchoPeer(group, server, client, frame);
      return self[0];
    } catch (InterruptedException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  @Override
  public Object roundTrip() throws Exception {
    return send().get(10, TimeUnit.SECONDS);
  }

  @Override
  public CompletableFuture<Object> send() {
    CompletableFuture<Object> answer = new CompletableFuture<>();
    synchronized (this) { // the queue's order is the wire's order
      waiting.add(answer);
      client.writeAndFlush(Unpooled.wrappedBuffer(frame));
    }
    return answer;
  }

  @Override
  public void close() {
    client.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    CompletableFuture<Object> left;
    while ((left = waiting.poll()) != null) {
      left.completeExceptionally(new IllegalStateException("echo peer closed"));
    }
  }

  /** The server side: every frame goes back as it came. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }

  /** The client side: each frame answers the oldest call. */
  private static final class Answers extends ChannelInboundHandlerAdapter {
    private final NettyEchoPeer[] peer;

    Answers(NettyEchoPeer[] peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      int length = frame.readableBytes();
      frame.release();
      CompletableFuture<Object> answer = peer[0].waiting.poll();
      if (answer != null) {
        answer.complete(length);
      }
    }
  }
}
