package dev.pbj.tcp;

import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Netty's NIO socket channel, plus a write that any thread may make. The JDK's socket channel is safe to write from
 * a second thread while the I/O thread reads, and safe against a concurrent close; {@link TcpLink} makes sure Netty
 * holds none of its bytes while it writes this way, so the order on the wire is the order of its sends.
 */
final class DirectNioSocketChannel extends io.netty.channel.socket.nio.NioSocketChannel {

  DirectNioSocketChannel() {
    super();
  }

  DirectNioSocketChannel(Channel parent, SocketChannel socket) {
    super(parent, socket);
  }

  /** Writes what the socket takes now, without blocking; returns how many bytes that was. */
  int writeNow(ByteBuffer bytes) throws IOException {
    return javaChannel().write(bytes);
  }
}
