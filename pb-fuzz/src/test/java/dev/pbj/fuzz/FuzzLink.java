package dev.pbj.fuzz;

import dev.pbj.spi.Link;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The far end of a connection under test, in memory and on the calling thread: records every byte the connection
 * sends and why it closed the link. With direct executors the whole connection then runs inside the fuzz target's
 * call, so each input is one deterministic run with nothing left over for the next.
 */
final class FuzzLink implements Link {
  private static final SocketAddress LOCAL = InetSocketAddress.createUnresolved("fuzz-local", 1);
  private static final SocketAddress PEER = InetSocketAddress.createUnresolved("fuzz-peer", 2);

  private final String negotiated;
  final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  boolean closed;
  /** The first cause given to {@link #close(Throwable)}; null after a plain close. */
  Throwable closeCause;

  /** @param negotiated the serializer a framed transport agreed on, or null for a byte stream */
  FuzzLink(String negotiated) {
    this.negotiated = negotiated;
  }

  @Override
  public void send(byte[] message) {
    if (!closed) {
      sent.writeBytes(message);
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public void close(Throwable cause) {
    if (!closed) {
      closeCause = cause;
    }
    closed = true;
  }

  @Override
  public String negotiatedSerializer() {
    return negotiated;
  }

  @Override
  public SocketAddress localAddress() {
    return LOCAL;
  }

  @Override
  public SocketAddress remoteAddress() {
    return PEER;
  }
}
