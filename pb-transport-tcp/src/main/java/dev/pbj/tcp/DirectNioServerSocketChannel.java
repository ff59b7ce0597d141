package dev.pbj.tcp;

import io.netty.util.internal.SocketUtils;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Netty's NIO server channel, accepting each connection as a {@link DirectNioSocketChannel}. */
final class DirectNioServerSocketChannel extends io.netty.channel.socket.nio.NioServerSocketChannel {
  private static final Logger log = LoggerFactory.getLogger(DirectNioServerSocketChannel.class);

  @Override
  protected int doReadMessages(List<Object> accepted) throws Exception {
    SocketChannel socket = SocketUtils.accept(javaChannel());
    if (socket == null) {
      return 0;
    }
    try {
      accepted.add(new DirectNioSocketChannel(this, socket));
      return 1;
    } catch (RuntimeException e) {
      log.warn("could not set up an accepted connection; closed it", e);
      socket.close();
      return 0;
    }
  }
}
