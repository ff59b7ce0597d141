package dev.pbj.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Collects the parts of one WebSocket message (fragments, or reads of a frame) into one array, up to a limit. Once
 * a message passes the limit the assembler keeps nothing more of it and only counts, so that an oversized message
 * is never buffered whole. One per link, used on the link's event thread only; {@link #reset()} readies it for the
 * next message.
 *
 * <p>Buffers: {@link #message()} exposes the internal array, valid until the next {@code reset}. The array grows by
 * doubling up to the limit. A link between messages holds no array, since most of a server's connections are
 * idle most of the time: {@link #readFrom} borrows its thread's spare (one per I/O thread, kept up to
 * {@value #RETAINED_CAPACITY} bytes), {@link #reset()} gives it back, and a message still incomplete when its
 * thread moves on to other connections is first copied into an array of the link's own ({@link #keepWhileWaiting}).
 */
final class MessageAssembler {

  private static final int INITIAL_CAPACITY = 4 * 1024;
  private static final int RETAINED_CAPACITY = 64 * 1024;
  private static final byte[] EMPTY = new byte[0];
  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** Each thread's spare array, lent to one message at a time; empty while lent. */
  private static final ThreadLocal<byte[][]> SPARE = ThreadLocal.withInitial(() -> new byte[1][]);

  private final int limit;
  private byte[] bytes = EMPTY;
  /** Whether {@link #bytes} is the thread's spare, lent to this message. */
  private boolean borrowed;
  private int size;
  private long seen;
  private boolean overflowed;
  private ByteBuffer scratch; // where the rest of an oversized message is read to be dropped

  MessageAssembler(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit (" + limit + ") must not be negative");
    }
    this.limit = limit;
  }

  int limit() {
    return limit;
  }

  /** Appends {@code part}, consuming it; {@code false} once the message exceeds the limit. */
  boolean append(ByteBuffer part) {
    int length = part.remaining();
    seen += length;
    if (overflowed || (long) size + length > limit) {
      overflowed = true;
      part.position(part.limit());
      return false;
    }
    ensureCapacity(size + length);
    part.get(bytes, size, length);
    size += length;
    return true;
  }

  /**
   * Reads what {@code channel} has into the message: the channel's own result (bytes read, 0, or -1 at the end).
   * Past the limit it reads into a scratch buffer and drops the bytes; {@link #overflowed()} then says so.
   */
  int readFrom(ReadableByteChannel channel) throws IOException {
    int read;
    if (overflowed) {
      if (scratch == null) {
        scratch = ByteBuffer.allocate(INITIAL_CAPACITY);
      }
      scratch.clear();
      read = channel.read(scratch);
    } else {
      if (bytes == EMPTY) {
        borrow();
      }
      if (size == bytes.length) {
        // Room for one byte past the limit, so that reading it tells an oversized message from a full one.
        ensureCapacity(size + 1);
      }
      read = channel.read(ByteBuffer.wrap(bytes, size, bytes.length - size));
      if (read > 0) {
        size += read;
        if (size > limit) {
          overflowed = true;
          size = limit;
        }
      }
    }
    if (read > 0) {
      seen += read;
    }
    return read;
  }

  /** Whether the current message has passed the limit. */
  boolean overflowed() {
    return overflowed;
  }

  /** Bytes of the current message seen so far, kept or not. */
  long seen() {
    return seen;
  }

  /** The message collected so far, backed by the internal array; valid until {@link #reset()}. */
  ByteBuffer message() {
    return ByteBuffer.wrap(bytes, 0, size);
  }

  /** Forgets the current message; the link keeps no array. */
  void reset() {
    size = 0;
    seen = 0;
    overflowed = false;
    scratch = null;
    if (bytes != EMPTY) {
      byte[][] spare = SPARE.get();
      if (bytes.length <= RETAINED_CAPACITY && (spare[0] == null || spare[0].length < bytes.length)) {
        spare[0] = bytes; // the thread's next message reads into it
      }
      bytes = EMPTY;
      borrowed = false;
    }
  }

  /**
   * The message is incomplete and its thread goes on to other work: if it is in the thread's spare, it moves to
   * an array of its own, so that the spare can serve another connection's message meanwhile.
   */
  void keepWhileWaiting() {
    if (borrowed) {
      byte[] lent = bytes;
      bytes = Arrays.copyOf(lent, (int) Math.min((long) limit + 1, Math.max(size + 1L, 2L * size)));
      borrowed = false;
      SPARE.get()[0] = lent;
    }
  }

  /** Starts a message in the thread's spare array, or in a new one if the spare is lent or missing. */
  private void borrow() {
    byte[][] spare = SPARE.get();
    if (spare[0] != null) {
      bytes = spare[0];
      spare[0] = null;
      borrowed = true;
    }
  }

  /** Grows by doubling, never past one byte over the limit (nor the largest array the JVM makes). */
  private void ensureCapacity(int needed) {
    if (needed <= bytes.length) {
      return;
    }
    long ceiling = Math.min((long) limit + 1, MAX_ARRAY_LENGTH);
    long grown = Math.max(needed, Math.max(INITIAL_CAPACITY, (long) bytes.length * 2));
    byte[] was = bytes;
    bytes = Arrays.copyOf(was, (int) Math.min(grown, ceiling));
    if (borrowed) {
      borrowed = false; // the message moved to an array of its own: the spare is free again
      SPARE.get()[0] = was;
    }
  }
}
