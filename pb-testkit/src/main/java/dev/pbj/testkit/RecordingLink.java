package dev.pbj.testkit;

import dev.pbj.spi.Link;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The far end of a connection under test, in memory and on the calling thread: records every byte the connection
 * sends and why it closed the link. With executors that run on the test's thread, the whole connection then runs
 * inside the test's own calls, one deterministic run with nothing left over for the next.
 */
public final class RecordingLink implements Link {
  private static final SocketAddress LOCAL = InetSocketAddress.createUnresolved("test-local", 1);
  private static final SocketAddress PEER = InetSocketAddress.createUnresolved("test-peer", 2);

  private final String negotiated;
  /** Everything sent before the link closed. */
  public final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  /** Whether the connection closed the link. */
  public boolean closed;
  /** The first cause given to {@link #close(Throwable)}; null after a plain close. */
  public Throwable closeCause;

  /** A byte-stream link: the connection negotiates its dialect. */
  public RecordingLink() {
    this(null);
  }

  /** @param negotiated the serializer a framed transport agreed on, or null for a byte stream */
  public RecordingLink(String negotiated) {
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
