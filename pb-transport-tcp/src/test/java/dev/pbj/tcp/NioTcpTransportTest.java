package dev.pbj.tcp;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The transport contract on NIO, forced where epoll would load. */
class NioTcpTransportTest extends TcpTransportContract {

  @Override
  TcpTransportProvider.Builder providerBuilder() {
    return TcpTransportProvider.builder().ioThreads(2).epoll(false);
  }

  @Override
  Class<? extends Channel> expectedChannelType() {
    return NioSocketChannel.class;
  }
}
