package dev.pbj.msgpack;

import static dev.pbj.msgpack.WireFormat.EXT_BIG_INTEGER;
import static dev.pbj.msgpack.WireFormat.EXT_SYMBOL;
import static dev.pbj.msgpack.WireFormat.HEADER_LENGTH;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.spi.MessageEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.buffer.MessageBuffer;

/**
 * Writes the tokens of one message as a MessagePack frame: msgpack-core's {@link MessageBufferPacker} packs them
 * into its buffers, and {@link #takeMessage()} copies them once, behind the four-byte length, into an exact-size
 * array. The packer's buffer (8 KiB) is reused from one message to the next; the extra buffers of a large message
 * are dropped with it.
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
 */
final class MsgpackEncoder implements MessageEncoder {
  private static final byte[] NO_MESSAGE = new byte[0];
  /** The largest body whose frame still fits in a Java array. */
  private static final long MAX_BODY = Integer.MAX_VALUE - 8 - HEADER_LENGTH;

  private final Limits limits;
  private final MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
  private final SymbolCache symbols = new SymbolCache();
  /** The packer's byte count where the current message's body begins. */
  private long bodyStart;

  /** An encoder enforcing {@code limits} on what it sends. */
  MsgpackEncoder(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    startMessage();
  }

  @Override
  public void beginList(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative list length: " + length);
    }
    if (length > limits.maxListLength()) {
      throw new LimitExceededException("list length", "maxListLength", length, limits.maxListLength());
    }
    reserve(length < 16 ? 1 : length < 0x10000 ? 3 : 5);
    try {
      packer.packArrayHeader(length);
    } catch (IOException e) {
      throw impossible(e);
    }
  }

  @Override
  public void endList() {
    // A MessagePack array announces its length up front and has no end marker.
  }

  @Override
  public void integer(long value) {
    reserve(integerSize(value));
    try {
      packer.packLong(value);
    } catch (IOException e) {
      throw impossible(e);
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
    reserve(extSize(payload.length));
    try {
      packer.packExtensionTypeHeader(EXT_BIG_INTEGER, payload.length);
      packer.addPayload(payload); // a fresh array: handed over, not copied
    } catch (IOException e) {
      throw impossible(e);
    }
  }

  @Override
  public void floating(double value) {
    reserve(9);
    try {
      packer.packDouble(value);
    } catch (IOException e) {
      throw impossible(e);
    }
  }

  @Override
  public void bytes(byte[] buffer, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    checkPayload("byte string length", length);
    reserve((length < 0x100 ? 2 : length < 0x10000 ? 3 : 5) + (long) length);
    try {
      packer.packBinaryHeader(length);
      packer.writePayload(buffer, offset, length);
    } catch (IOException e) {
      throw impossible(e);
    }
  }

  /**
   * A str of the text's UTF-8, as {@code String.getBytes(UTF_8)} produces it (an unpaired surrogate becomes
   * {@code '?'}).
   */
  @Override
  public void text(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    int length = utf8.length;
    checkPayload("text length", length);
    reserve((length < 32 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5) + (long) length);
    try {
      packer.packRawStringHeader(length);
      packer.addPayload(utf8); // a fresh array: handed over, not copied
    } catch (IOException e) {
      throw impossible(e);
    }
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
    reserve(extSize(ascii.length));
    try {
      packer.packExtensionTypeHeader(EXT_SYMBOL, ascii.length);
      packer.writePayload(ascii); // a shared array: copied
    } catch (IOException e) {
      throw impossible(e);
    }
  }

  /**
   * The frame of the message written since the last take or reset: the body's length in four bytes, big-endian,
   * then the body. An empty array when nothing was written.
   */
  @Override
  public byte[] takeMessage() {
    long length = bodyLength();
    if (length == 0) {
      return NO_MESSAGE;
    }
    byte[] frame = new byte[HEADER_LENGTH + (int) length];
    frame[0] = (byte) (length >>> 24);
    frame[1] = (byte) (length >>> 16);
    frame[2] = (byte) (length >>> 8);
    frame[3] = (byte) length;
    int at = HEADER_LENGTH;
    for (MessageBuffer part : packer.toBufferList()) {
      part.getBytes(0, frame, at, part.size());
      at += part.size();
    }
    assert at == frame.length : at + " bytes written for a frame of " + frame.length;
    startMessage();
    return frame;
  }

  @Override
  public void reset() {
    startMessage();
  }

  private void startMessage() {
    packer.clear();
    bodyStart = packer.getTotalWrittenBytes();
  }

  private long bodyLength() {
    return packer.getTotalWrittenBytes() - bodyStart;
  }

  private void checkPayload(String what, int length) {
    if (length > limits.maxStringLength()) {
      throw new LimitExceededException(what, "maxStringLength", length, limits.maxStringLength());
    }
  }

  /** Fails, before anything is written, if {@code bytes} more would take the body past the message limit. */
  private void reserve(long bytes) {
    long length = bodyLength() + bytes;
    if (length > limits.maxMessageLength()) {
      throw new LimitExceededException("message length", "maxMessageLength", length, limits.maxMessageLength());
    }
    if (length > MAX_BODY) {
      throw new IllegalStateException("msgpack message larger than " + MAX_BODY + " bytes");
    }
  }

  /** The bytes msgpack-core's {@code packLong} writes for {@code v}. */
  private static int integerSize(long v) {
    if (v >= -32 && v < 128) {
      return 1; // positive or negative fixint
    }
    if (v >= -128 && v < 256) {
      return 2; // int 8 or uint 8
    }
    if (v >= -32768 && v < 65536) {
      return 3;
    }
    if (v >= Integer.MIN_VALUE && v < 0x1_0000_0000L) {
      return 5;
    }
    return 9;
  }

  /** The bytes msgpack-core's {@code packExtensionTypeHeader} and the payload take for a payload of {@code n}. */
  private static long extSize(int n) {
    int header;
    if (n == 1 || n == 2 || n == 4 || n == 8 || n == 16) {
      header = 2; // fixext: type byte and ext type
    } else if (n < 0x100) {
      header = 3;
    } else if (n < 0x10000) {
      header = 4;
    } else {
      header = 6;
    }
    return header + (long) n;
  }

  private static UncheckedIOException impossible(IOException e) {
    return new UncheckedIOException("msgpack-core's array output threw", e);
  }
}
