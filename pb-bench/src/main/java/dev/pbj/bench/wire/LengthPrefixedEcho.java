package dev.pbj.bench.wire;

import io.netty.buffer.ByteBuf;

/**
 * The throughput floor's wire: one fixed frame (PBJ's tcp/msgpack bytes for {@code echo("hello")}, whose first four
 * bytes are the body's length, big-endian) sent as a call, and the same frame coming back as its answer. Answers
 * are counted by reading each frame's length and skipping its body, in any split, without copying.
 */
final class LengthPrefixedEcho implements Wire {
  private static final int HEADER = 4;

  private final byte[] frame;
  private final int bodyLength;
  private int headerRead;
  private int length;
  private int bodyLeft;
  private boolean inBody;

  /** @param frame a complete frame: a four-byte big-endian length, then that many bytes */
  LengthPrefixedEcho(byte[] frame) {
    int declared = frame.length < HEADER ? -1
        : (frame[0] & 0xff) << 24 | (frame[1] & 0xff) << 16 | (frame[2] & 0xff) << 8 | frame[3] & 0xff;
    if (declared != frame.length - HEADER) {
      throw new IllegalArgumentException("not a length-prefixed frame: " + frame.length + " bytes, header says "
          + declared + " after the header");
    }
    this.frame = frame.clone();
    this.bodyLength = declared;
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public int read(ByteBuf in) {
    int frames = 0;
    while (in.isReadable()) {
      if (!inBody) {
        while (headerRead < HEADER && in.isReadable()) {
          length = length << 8 | in.readUnsignedByte();
          headerRead++;
        }
        if (headerRead < HEADER) {
          break;
        }
        if (length != bodyLength) {
          throw new IllegalStateException("the echo sent back a frame of " + length + " bytes; " + bodyLength
              + " were sent");
        }
        headerRead = 0;
        length = 0;
        bodyLeft = bodyLength;
        inBody = true;
      }
      int n = Math.min(bodyLeft, in.readableBytes());
      in.skipBytes(n);
      bodyLeft -= n;
      if (bodyLeft == 0) {
        inBody = false;
        frames++;
      }
    }
    return frames;
  }

  @Override
  public byte[] takeReply() {
    return null;
  }

  @Override
  public void writeCalls(ByteBuf out, int count) {
    for (int i = 0; i < count; i++) {
      out.writeBytes(frame);
    }
  }

  @Override
  public int maxCallBytes() {
    return frame.length;
  }
}
