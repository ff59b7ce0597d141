package dev.pbj.msgpack;

import static dev.pbj.msgpack.WireFormat.HEADER_LENGTH;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.ProtocolException;
import dev.pbj.spi.ByteArrayDecoder;
import dev.pbj.spi.TokenSink;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads a connection's stream of MessagePack frames and pushes each message's tokens to a {@link TokenSink}. This
 * class finds the frames: a state machine over "need more bytes" that accepts any split of the stream, one byte at
 * a time included (a four-byte big-endian length, then that many bytes). Each complete frame goes to a
 * {@link FrameDecoder}, which reads its one array in place.
 *
 * <p>Limits are checked from headers, before what they announce is buffered or read: a frame's length against
 * {@link Limits#maxMessageLength()} as soon as its header is complete (a frame's buffer then grows with the bytes
 * that arrive, not with what the header claims); inside a frame, the string, list and depth limits (see
 * {@link FrameDecoder}). Any error ({@link ProtocolException}, {@link LimitExceededException}, or an exception
 * thrown by the sink) leaves the decoder failed: later calls to {@link #feed} throw.
 *
 * <p>One decoder per connection, fed by one thread at a time; not reentrant (a sink must not call {@link #feed}).
 * The caller keeps ownership of the fed buffer. The array passed to {@link TokenSink#bytes} is valid only during
 * that call: it is the caller's own backing array when a whole frame arrived in one heap buffer, otherwise the
 * decoder's frame buffer.
 */
final class MsgpackDecoder extends ByteArrayDecoder {
  private enum State {
    /** Reading the four length bytes of a frame. */
    HEADER,
    /** Gathering a frame's body; it is decoded once complete. */
    BODY
  }

  private static final byte[] EMPTY = new byte[0];
  /** A frame buffer grown past this is dropped after use, so idle connections stay small. */
  private static final int RETAINED_CAPACITY = 64 * 1024;

  private final Limits limits;
  private final FrameDecoder frames;

  private State state = State.HEADER;

  private int headerFilled;
  /** The frame length being read or just read: an unsigned 32-bit value. */
  private long frameLength;
  private int bodyFilled;
  private byte[] body = EMPTY;

  /** A decoder that enforces {@code limits} and pushes to {@code sink}. */
  MsgpackDecoder(Limits limits, TokenSink sink) {
    super("msgpack");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.frames = new FrameDecoder(limits, Objects.requireNonNull(sink, "sink"));
  }

  @Override
  public boolean inMessage() {
    return headerFilled > 0 || state == State.BODY || frames.inFrame();
  }

  @Override
  protected void decode(byte[] in, int pos, int end) {
    while (pos < end) {
      switch (state) {
        case HEADER:
          pos = header(in, pos, end);
          break;
        case BODY:
          pos = body(in, pos, end);
          break;
        default:
          throw new IllegalStateException(state.name());
      }
    }
  }

  private int header(byte[] in, int pos, int end) {
    while (headerFilled < HEADER_LENGTH && pos < end) {
      frameLength = frameLength << 8 | (in[pos++] & 0xff);
      headerFilled++;
    }
    if (headerFilled == HEADER_LENGTH) {
      if (frameLength == 0) {
        throw new ProtocolException("zero-length msgpack frame; a frame holds one MessagePack array");
      }
      if (frameLength > limits.maxMessageLength()) {
        throw new LimitExceededException("message length", "maxMessageLength", frameLength,
            limits.maxMessageLength());
      }
      state = State.BODY;
      bodyFilled = 0;
    }
    return pos;
  }

  private int body(byte[] in, int pos, int end) {
    int length = (int) frameLength;
    int available = end - pos;
    if (bodyFilled == 0 && available >= length) {
      nextFrame();
      frames.decode(in, pos, length);
      return pos + length;
    }
    int n = Math.min(length - bodyFilled, available);
    if (body.length < bodyFilled + n) {
      // Grow with what arrives, not with what the header announces, so a header alone cannot claim memory.
      body = Arrays.copyOf(body, Math.min(length, Math.max(bodyFilled + n, 2 * body.length)));
    }
    System.arraycopy(in, pos, body, bodyFilled, n);
    bodyFilled += n;
    if (bodyFilled == length) {
      nextFrame();
      frames.decode(body, 0, length);
      if (body.length > RETAINED_CAPACITY) {
        body = EMPTY;
      }
    }
    return pos + n;
  }

  private void nextFrame() {
    state = State.HEADER;
    headerFilled = 0;
    frameLength = 0;
  }
}
