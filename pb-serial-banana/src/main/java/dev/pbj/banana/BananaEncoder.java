package dev.pbj.banana;

import dev.pbj.spi.Utf8;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes tokens as banana, byte for byte as Twisted's {@code Banana._encode} does, into a growable buffer that is
 * reused from one message to the next. In the {@code pb} dialect every byte string equal to a vocabulary word
 * (symbol, bytes or the UTF-8 of a text) is sent as its two-byte VOCAB token, as Twisted does.
 *
 * <p>One encoder per connection, used by one thread at a time. Arrays passed to {@link #bytes} are only read
 * during the call. {@link #takeMessage()} returns a new array the caller owns. The encoder does not check that
 * lists receive as many elements as announced; the token producer (Jelly) is trusted for that. Sending limits
 * ({@link Limits#maxStringLength()}, {@link Limits#maxListLength()}, {@link Limits#maxPrefixLength()} for
 * integers) throw {@link LimitExceededException}; the partly written message must then be {@link #reset()}.
 *
 * <p>Banana keeps no state between tokens (the vocabulary is fixed per dialect), so a run of tokens encodes to the
 * same bytes on every connection of a dialect and the same sending limits: {@link #runKey()} names exactly that,
 * and runs are shared.
 */
public final class BananaEncoder implements MessageEncoder {
  /** Small: an idle connection keeps its encoder, and a busy one grows it once to what its messages need. */
  private static final int INITIAL_CAPACITY = 64;
  /** A buffer grown past this by one huge message is dropped after it, so idle connections stay small. */
  private static final int RETAINED_CAPACITY = 64 * 1024;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final byte[] UNICODE = {'u', 'n', 'i', 'c', 'o', 'd', 'e'};

  private final Dialect dialect;
  private final Limits limits;
  private final Object runKey;
  private byte[] buffer = new byte[INITIAL_CAPACITY];
  private int size;

  /**
   * An encoder for {@code dialect} ({@code pb} or {@code none}) enforcing {@code limits} on what it sends.
   *
   * @throws IllegalArgumentException for an unknown dialect
   */
  public BananaEncoder(String dialect, Limits limits) {
    this.dialect = Dialect.of(dialect);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.runKey = new RunKey(this.dialect.wireName(), limits.maxListLength(), limits.maxStringLength(),
        limits.maxPrefixLength());
  }

  /** The dialect this encoder writes: {@code pb} or {@code none}. */
  public String dialect() {
    return dialect.wireName();
  }

  /** The dialect and the limits checked while writing: what a run's bytes and its refusal depend on. */
  private record RunKey(String dialect, int maxListLength, int maxStringLength, int maxPrefixLength) {}

  @Override
  public Object runKey() {
    return runKey;
  }

  @Override
  public byte[] encodeRun(Consumer<? super TokenSink> tokens) {
    BananaEncoder run = new BananaEncoder(dialect.wireName(), limits);
    tokens.accept(run);
    return run.takeMessage();
  }

  @Override
  public void writeRun(byte[] run) {
    ensureCapacity(run.length);
    System.arraycopy(run, 0, buffer, size, run.length);
    size += run.length;
  }

  @Override
  public void beginList(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative list length: " + length);
    }
    if (length > limits.maxListLength()) {
      throw new LimitExceededException("list length", "maxListLength", length, limits.maxListLength());
    }
    writeHeader(length, TypeByte.LIST);
  }

  @Override
  public void endList() {
    // Banana announces a list's length up front and has no end marker.
  }

  @Override
  public void integer(long value) {
    if (value >= 0) {
      checkIntegerPrefix(value);
      writeHeader(value, value <= Integer.MAX_VALUE ? TypeByte.INT : TypeByte.LONGINT);
    } else {
      // -Long.MIN_VALUE overflows to itself, which the unsigned prefix writer reads as 2^63: still correct.
      long magnitude = -value;
      checkIntegerPrefix(magnitude);
      writeHeader(magnitude, value >= Integer.MIN_VALUE ? TypeByte.NEG : TypeByte.LONGNEG);
    }
  }

  @Override
  public void bigInteger(BigInteger value) {
    if (value.bitLength() < Long.SIZE) {
      integer(value.longValue());
      return;
    }
    BigInteger magnitude = value.abs();
    int bits = magnitude.bitLength();
    int digits = (bits + 6) / 7;
    if (digits > limits.maxPrefixLength()) {
      throw new LimitExceededException("integer prefix length", "maxPrefixLength", digits, limits.maxPrefixLength());
    }
    byte[] bigEndian = magnitude.toByteArray();
    ensureCapacity(digits + 1);
    int next = bigEndian.length - 1; // least significant byte first
    int pending = 0;
    int count = 0;
    for (int d = 0; d < digits; d++) {
      if (count < 7 && next >= 0) {
        pending |= (bigEndian[next--] & 0xff) << count;
        count += 8;
      }
      buffer[size++] = (byte) (pending & 0x7f);
      pending >>>= 7;
      count -= 7;
    }
    buffer[size++] = (byte) (value.signum() > 0 ? TypeByte.LONGINT : TypeByte.LONGNEG);
  }

  @Override
  public void floating(double value) {
    ensureCapacity(9);
    buffer[size++] = (byte) TypeByte.FLOAT;
    long bits = Double.doubleToRawLongBits(value);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buffer[size++] = (byte) (bits >>> shift);
    }
  }

  @Override
  public void bytes(byte[] source, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, source.length);
    if (dialect == Dialect.PB) {
      int index = Vocabulary.indexOf(source, offset, length);
      if (index != 0) {
        writeHeader(index, TypeByte.VOCAB);
        return;
      }
    }
    checkStringLength(length);
    writeHeader(length, TypeByte.STRING);
    ensureCapacity(length);
    System.arraycopy(source, offset, buffer, size, length);
    size += length;
  }

  /** Jelly's {@code (unicode <utf-8>)}; the UTF-8 is written straight into the buffer, never into a temporary. */
  @Override
  public void text(String value) {
    writeHeader(2, TypeByte.LIST);
    bytes(UNICODE, 0, UNICODE.length);
    // Vocabulary words are ASCII, so the UTF-8 equals a word exactly when the text does.
    int index = dialect == Dialect.PB && value.length() <= Vocabulary.MAX_LENGTH ? Vocabulary.indexOf(value) : 0;
    if (index != 0) {
      writeHeader(index, TypeByte.VOCAB);
      return;
    }
    int length = Utf8.encodedLength(value);
    checkStringLength(length);
    writeHeader(length, TypeByte.STRING);
    ensureCapacity(length);
    size = Utf8.encode(value, buffer, size);
  }

  @Override
  public void symbol(String word) {
    int index = dialect == Dialect.PB ? Vocabulary.indexOf(word) : 0;
    if (index != 0) {
      writeHeader(index, TypeByte.VOCAB);
      return;
    }
    int length = word.length();
    checkStringLength(length);
    writeHeader(length, TypeByte.STRING);
    ensureCapacity(length);
    for (int i = 0; i < length; i++) {
      char c = word.charAt(i);
      if (c > 0xff) {
        throw new IllegalArgumentException("symbol is not Latin-1: " + word);
      }
      buffer[size++] = (byte) c;
    }
  }

  @Override
  public byte[] takeMessage() {
    byte[] message = Arrays.copyOf(buffer, size);
    reset();
    return message;
  }

  @Override
  public void reset() {
    size = 0;
    if (buffer.length > RETAINED_CAPACITY) {
      buffer = new byte[INITIAL_CAPACITY];
    }
  }

  private void checkIntegerPrefix(long magnitude) {
    // Twisted refuses |v| >= 2^(7 * prefixLimit): that is, more digits than the prefix limit.
    int bits = Long.SIZE - Long.numberOfLeadingZeros(magnitude);
    int digits = (bits + 6) / 7;
    if (digits > limits.maxPrefixLength()) {
      throw new LimitExceededException("integer prefix length", "maxPrefixLength", digits, limits.maxPrefixLength());
    }
  }

  private void checkStringLength(int length) {
    if (length > limits.maxStringLength()) {
      throw new LimitExceededException("byte string length", "maxStringLength", length, limits.maxStringLength());
    }
  }

  /** Writes {@code prefix} (read as unsigned) in base 128, least significant digit first, then the type byte. */
  private void writeHeader(long prefix, int typeByte) {
    ensureCapacity(11);
    do {
      buffer[size++] = (byte) (prefix & 0x7f);
      prefix >>>= 7;
    } while (prefix != 0);
    buffer[size++] = (byte) typeByte;
  }

  private void ensureCapacity(int extra) {
    if (extra <= buffer.length - size) {
      return;
    }
    long needed = (long) size + extra;
    if (needed > MAX_ARRAY) {
      throw new IllegalStateException("banana message larger than " + MAX_ARRAY + " bytes");
    }
    buffer = Arrays.copyOf(buffer, (int) Math.min(MAX_ARRAY, Math.max(needed, 2L * buffer.length)));
  }
}
