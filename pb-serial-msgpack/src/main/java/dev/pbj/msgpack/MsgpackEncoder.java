package dev.pbj.msgpack;

import static dev.pbj.msgpack.WireFormat.EXT_BIG_INTEGER;
import static dev.pbj.msgpack.WireFormat.EXT_SYMBOL;
import static dev.pbj.msgpack.WireFormat.HEADER_LENGTH;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.TokenSink;
import dev.pbj.spi.Utf8;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes the tokens of one message as a MessagePack frame straight into one reusable array, the four-byte length
 * first; {@link #takeMessage()} copies the frame out once, into an exact-size array. Writing MessagePack's few
 * headers by hand (rather than through msgpack-core's packer, which the decoder uses) keeps a small call to a
 * handful of array stores and one allocation. A buffer grown past 64 KiB by one large message is dropped after it.
 *
 * <p>Every token is written in its smallest MessagePack form, as msgpack-core and msgpack-python both pick it: an
 * int in the fewest bytes, a list as a fixarray/array 16/array 32, text as a str, a byte string as a bin, a float
 * as a float 64, a symbol as ext type 0 and an integer outside the 64-bit range as ext type 1.
 *
 * <p>Sending limits are checked before each token is written, so the body never grows past them:
 * {@link Limits#maxListLength()} for a list's length, {@link Limits#maxStringLength()} for the bytes of a byte
 * string, text, symbol or big integer, {@link Limits#maxMessageLength()} for the frame's body. Each throws
 * {@link LimitExceededException}; the caller then {@link #reset()}s, which discards the partial message.
 *
 * <p>One encoder per connection, used by one thread at a time. Arrays passed to {@link #bytes} are only read
 * during the call; {@link #takeMessage()} returns a new array the caller owns. The encoder does not check that
 * lists receive as many elements as announced; the token producer (Jelly) is trusted for that.
 *
 * <p>The symbol cache only saves work: a token's bytes never depend on what was sent before, and the frame's
 * length is counted when the message is taken, so a run of tokens (not a frame) encodes to the same bytes on every
 * connection with the same sending limits, and runs are shared ({@link #runKey()}).
 */
final class MsgpackEncoder implements MessageEncoder {
  private static final byte[] NO_MESSAGE = new byte[0];
  /** Small: an idle connection keeps its encoder, and a busy one grows it once to what its messages need. */
  private static final int INITIAL_CAPACITY = 64;
  private static final int KEPT_CAPACITY = 64 * 1024;
  /** The largest body whose frame still fits in a Java array. */
  private static final long MAX_BODY = Integer.MAX_VALUE - 8 - HEADER_LENGTH;

  private final Limits limits;
  private final Object runKey;
  private final SymbolCache symbols = new SymbolCache();
  private byte[] buffer = new byte[INITIAL_CAPACITY];
  /** Where the next byte goes; the body starts at {@link WireFormat#HEADER_LENGTH}. */
  private int position = HEADER_LENGTH;

  /** An encoder enforcing {@code limits} on what it sends. */
  MsgpackEncoder(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.runKey = new RunKey(limits.maxListLength(), limits.maxStringLength(), limits.maxMessageLength());
  }

  /** The limits checked while writing a run: the same tokens are refused or not alike under equal keys. */
  private record RunKey(int maxListLength, int maxStringLength, long maxMessageLength) {}

  @Override
  public Object runKey() {
    return runKey;
  }

  /** The run's MessagePack values without a frame header; each message's header is written when it is taken. */
  @Override
  public byte[] encodeRun(Consumer<? super TokenSink> tokens) {
    MsgpackEncoder run = new MsgpackEncoder(limits);
    tokens.accept(run);
    return Arrays.copyOfRange(run.buffer, HEADER_LENGTH, run.position);
  }

  @Override
  public void writeRun(byte[] run) {
    reserve(run.length);
    System.arraycopy(run, 0, buffer, position, run.length);
    position += run.length;
  }

  @Override
  public void beginList(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative list length: " + length);
    }
    if (length > limits.maxListLength()) {
      throw new LimitExceededException("list length", "maxListLength", length, limits.maxListLength());
    }
    if (length < 16) {
      reserve(1);
      buffer[position++] = (byte) (0x90 | length);
    } else if (length < 0x10000) {
      reserve(3);
      buffer[position++] = (byte) 0xdc;
      put16(length);
    } else {
      reserve(5);
      buffer[position++] = (byte) 0xdd;
      put32(length);
    }
  }

  @Override
  public void endList() {
    // A MessagePack array announces its length up front and has no end marker.
  }

  @Override
  public void integer(long v) {
    if (v >= 0) {
      if (v < 0x80) {
        reserve(1);
        buffer[position++] = (byte) v;
      } else if (v < 0x100) {
        reserve(2);
        buffer[position++] = (byte) 0xcc;
        buffer[position++] = (byte) v;
      } else if (v < 0x10000) {
        reserve(3);
        buffer[position++] = (byte) 0xcd;
        put16((int) v);
      } else if (v < 0x1_0000_0000L) {
        reserve(5);
        buffer[position++] = (byte) 0xce;
        put32((int) v);
      } else {
        reserve(9);
        buffer[position++] = (byte) 0xcf;
        put64(v);
      }
    } else if (v >= -32) {
      reserve(1);
      buffer[position++] = (byte) v;
    } else if (v >= Byte.MIN_VALUE) {
      reserve(2);
      buffer[position++] = (byte) 0xd0;
      buffer[position++] = (byte) v;
    } else if (v >= Short.MIN_VALUE) {
      reserve(3);
      buffer[position++] = (byte) 0xd1;
      put16((int) v);
    } else if (v >= Integer.MIN_VALUE) {
      reserve(5);
      buffer[position++] = (byte) 0xd2;
      put32((int) v);
    } else {
      reserve(9);
      buffer[position++] = (byte) 0xd3;
      put64(v);
    }
  }

  @Override
  public void bigInteger(BigInteger value) {
    if (value.bitLength() < Long.SIZE) {
      integer(value.longValue());
      return;
    }
    byte[] payload = value.toByteArray();
    checkPayload("big integer length", payload.length);
    ext(EXT_BIG_INTEGER, payload, 0, payload.length);
  }

  @Override
  public void floating(double value) {
    reserve(9);
    buffer[position++] = (byte) 0xcb;
    put64(Double.doubleToRawLongBits(value));
  }

  @Override
  public void bytes(byte[] source, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, source.length);
    checkPayload("byte string length", length);
    if (length < 0x100) {
      reserve(2L + length);
      buffer[position++] = (byte) 0xc4;
      buffer[position++] = (byte) length;
    } else if (length < 0x10000) {
      reserve(3L + length);
      buffer[position++] = (byte) 0xc5;
      put16(length);
    } else {
      reserve(5L + length);
      buffer[position++] = (byte) 0xc6;
      put32(length);
    }
    System.arraycopy(source, offset, buffer, position, length);
    position += length;
  }

  /**
   * A str of the text's UTF-8, as {@code String.getBytes(UTF_8)} produces it (an unpaired surrogate becomes
   * {@code '?'}), encoded in place.
   */
  @Override
  public void text(String value) {
    int length = Utf8.encodedLength(value);
    checkPayload("text length", length);
    if (length < 32) {
      reserve(1L + length);
      buffer[position++] = (byte) (0xa0 | length);
    } else if (length < 0x100) {
      reserve(2L + length);
      buffer[position++] = (byte) 0xd9;
      buffer[position++] = (byte) length;
    } else if (length < 0x10000) {
      reserve(3L + length);
      buffer[position++] = (byte) 0xda;
      put16(length);
    } else {
      reserve(5L + length);
      buffer[position++] = (byte) 0xdb;
      put32(length);
    }
    position = Utf8.encode(value, buffer, position);
  }

  /**
   * Ext type 0 holding the word's ASCII bytes.
   *
   * @throws IllegalArgumentException if the word has a character outside ASCII
   */
  @Override
  public void symbol(String word) {
    byte[] ascii = symbols.bytesOf(word);
    checkPayload("symbol length", ascii.length);
    ext(EXT_SYMBOL, ascii, 0, ascii.length);
  }

  private void ext(byte type, byte[] payload, int offset, int n) {
    int header;
    int code;
    switch (n) {
      case 1 -> { header = 2; code = 0xd4; }
      case 2 -> { header = 2; code = 0xd5; }
      case 4 -> { header = 2; code = 0xd6; }
      case 8 -> { header = 2; code = 0xd7; }
      case 16 -> { header = 2; code = 0xd8; }
      default -> {
        header = n < 0x100 ? 3 : n < 0x10000 ? 4 : 6;
        code = n < 0x100 ? 0xc7 : n < 0x10000 ? 0xc8 : 0xc9;
      }
    }
    reserve((long) header + n);
    buffer[position++] = (byte) code;
    if (header == 3) {
      buffer[position++] = (byte) n;
    } else if (header == 4) {
      put16(n);
    } else if (header == 6) {
      put32(n);
    }
    buffer[position++] = type;
    System.arraycopy(payload, offset, buffer, position, n);
    position += n;
  }

  /**
   * The frame of the message written since the last take or reset: the body's length in four bytes, big-endian,
   * then the body. An empty array when nothing was written.
   */
  @Override
  public byte[] takeMessage() {
    int length = position - HEADER_LENGTH;
    if (length == 0) {
      return NO_MESSAGE;
    }
    buffer[0] = (byte) (length >>> 24);
    buffer[1] = (byte) (length >>> 16);
    buffer[2] = (byte) (length >>> 8);
    buffer[3] = (byte) length;
    byte[] frame = Arrays.copyOf(buffer, position);
    reset();
    return frame;
  }

  @Override
  public void reset() {
    position = HEADER_LENGTH;
    if (buffer.length > KEPT_CAPACITY) {
      buffer = new byte[INITIAL_CAPACITY];
    }
  }

  private void checkPayload(String what, int length) {
    if (length > limits.maxStringLength()) {
      throw new LimitExceededException(what, "maxStringLength", length, limits.maxStringLength());
    }
  }

  /** Makes room for {@code bytes} more, failing first if they would take the body past the message limit. */
  private void reserve(long bytes) {
    long body = position - HEADER_LENGTH + bytes;
    if (body > limits.maxMessageLength()) {
      throw new LimitExceededException("message length", "maxMessageLength", body, limits.maxMessageLength());
    }
    if (body > MAX_BODY) {
      throw new IllegalStateException("msgpack message larger than " + MAX_BODY + " bytes");
    }
    int needed = (int) (position + bytes);
    if (needed > buffer.length) {
      buffer = Arrays.copyOf(buffer, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(needed, 2L * buffer.length)));
    }
  }

  private void put16(int v) {
    buffer[position++] = (byte) (v >>> 8);
    buffer[position++] = (byte) v;
  }

  private void put32(int v) {
    buffer[position++] = (byte) (v >>> 24);
    buffer[position++] = (byte) (v >>> 16);
    buffer[position++] = (byte) (v >>> 8);
    buffer[position++] = (byte) v;
  }

  private void put64(long v) {
    put32((int) (v >>> 32));
    put32((int) v);
  }
}
