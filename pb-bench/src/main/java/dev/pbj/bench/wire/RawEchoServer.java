package dev.pbj.bench.wire;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The raw Netty echo server of the throughput floor, run as a process of its own ({@link ServerProcess#rawEcho}):
 * binds 127.0.0.1 on an ephemeral port, prints {@code listening tcp://127.0.0.1:PORT}, and on every connection
 * writes what it reads back, flushing once per read ({@code channelReadComplete}), on one event loop thread. The
 * argument says what it writes back one by one:
 *
 * <ul>
 *   <li>{@code frames} (the default): each length-prefixed frame (a four-byte big-endian length first, as PBJ's
 *       msgpack dialect sends), found by Netty's {@code LengthFieldBasedFrameDecoder};
 *   <li>{@code banana}: each top-level banana expression, found by a {@link BananaFrameDecoder};
 *   <li>{@code bytes}: each buffer as it was read, messages or not: no per-message work at all.
 * </ul>
 *
 * The first two are the least any message server does for each message: find where it ends and answer it. Frames
 * go back as retained slices of what was read, never copied. It exits when its standard input reaches its end,
 * which is when the process that started it closes the pipe or dies, so it never outlives a benchmark.
 */
public final class RawEchoServer {

  private RawEchoServer() {}

  /** The most bytes a length-prefixed frame may have. */
  private static final int FRAME_LIMIT = 1 << 20;

  public static void main(String[] args) throws InterruptedException {
    String mode = args.length > 0 ? args[0] : "frames";
    if (!List.of("frames", "banana", "bytes").contains(mode)) {
      System.err.println("usage: RawEchoServer [frames | banana | bytes]");
      System.exit(2);
    }
    Echo echo = new Echo();
    try (Loops loops = Loops.start(1)) {
      Channel server = new ServerBootstrap().group(loops.group()).channel(loops.serverType())
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              switch (mode) {
                case "frames" -> ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(FRAME_LIMIT, 0, 4), echo);
                case "banana" -> ch.pipeline().addLast(new BananaFrameDecoder(), echo);
                default -> ch.pipeline().addLast(echo);
              }
            }
          })
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
      InetSocketAddress bound = (InetSocketAddress) server.localAddress();
      System.out.println("listening tcp://" + bound.getAddress().getHostAddress() + ":" + bound.getPort());
      System.out.flush();
      drain(System.in);
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private static void drain(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // only the end matters
      }
    } catch (IOException e) {
      // a broken pipe counts as closed
    }
  }

  /** Every message (or buffer) goes back as it came; one flush per read. Stateless: one serves every child. */
  @ChannelHandler.Sharable
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
