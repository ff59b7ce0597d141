package dev.pbj.bench.wire;

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
import java.util.concurrent.TimeUnit;

/**
 * Netty event loops and the channel types that match them: epoll when it loads, like pb-transport-tcp, else NIO.
 * Closing shuts the loops down and waits (a few seconds at most).
 */
record Loops(MultiThreadIoEventLoopGroup group, Class<? extends ServerChannel> serverType,
    Class<? extends SocketChannel> clientType) implements AutoCloseable {

  static Loops start(int threads) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new Loops(new MultiThreadIoEventLoopGroup(threads, handlers),
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class,
        epoll ? EpollSocketChannel.class : NioSocketChannel.class);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
