package dev.pbj.banana;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.ProtocolException;
import dev.pbj.spi.ByteArrayDecoder;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads banana incrementally and pushes tokens to a {@link TokenSink}: a state machine over "need more bytes"
 * that accepts any split of the stream, one byte at a time included, without recursion. A LIST becomes
 * {@code beginList(n)}, and the decoder itself calls {@code endList()} when a list's last element completes; a
 * VOCAB token becomes {@code symbol(word)}; a STRING always becomes {@code bytes}, even when it spells a word.
 *
 * <p>Limits are checked as soon as a prefix is read, before any body is buffered: prefix bytes, string length,
 * list length and list nesting. Any error ({@link ProtocolException}, {@link LimitExceededException}, or an
 * exception thrown by the sink) leaves the decoder failed: later calls to {@link #feed} throw.
 *
 * <p>One decoder per connection, fed by one thread at a time; not reentrant (a sink must not call {@link #feed}).
 * The caller keeps ownership of the fed buffer. The array passed to {@link TokenSink#bytes} is valid only during
 * that call: it is the caller's own backing array when a whole string arrived in one heap buffer, otherwise the
 * decoder's internal buffer.
 */
public final class BananaDecoder extends ByteArrayDecoder {
  private enum State {
    /** Reading prefix digits until a type byte. */
    PREFIX,
    STRING_BODY,
    FLOAT_BODY
  }

  private static final byte[] EMPTY = new byte[0];
  /** Prefix digits 0..8 fill 63 bits of a long; from digit 9 on the value may need a BigInteger. */
  private static final int LONG_DIGITS = 9;
  /** A string buffer grown past this is dropped after use, so idle connections stay small. */
  private static final int RETAINED_CAPACITY = 64 * 1024;

  private final Limits limits;
  private final TokenSink sink;
  private Dialect dialect;
  private State state = State.PREFIX;

  private int prefixLength;
  private long prefixValue;
  /** Prefix digits from index {@link #LONG_DIGITS} on, kept only for the rare prefix that needs them. */
  private byte[] highDigits;
  private boolean prefixOverflow;

  private int bodyLength;
  private int bodyFilled;
  private byte[] body = EMPTY;
  private long floatBits;

  /** Elements still expected by each open list, innermost last. */
  private int[] remaining = new int[16];
  private int depth;


  /**
   * A decoder for {@code dialect} ({@code pb} or {@code none}) that enforces {@code limits} and pushes to
   * {@code sink}.
   *
   * @throws IllegalArgumentException for an unknown dialect
   */
  public BananaDecoder(String dialect, Limits limits, TokenSink sink) {
    super("banana");
    this.dialect = Dialect.of(dialect);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** The dialect in force: {@code pb} or {@code none}. */
  public String dialect() {
    return dialect.wireName();
  }

  /**
   * Decodes the following tokens in {@code dialect}, including the rest of a buffer being fed: may be called from
   * a sink callback. The opening exchange needs it, because the peer's dialect choice and its first {@code pb}
   * message arrive in one read.
   */
  public void switchDialect(String dialect) {
    this.dialect = Dialect.of(dialect);
  }

  @Override
  public boolean inMessage() {
    return depth > 0 || prefixLength > 0 || state == State.STRING_BODY || state == State.FLOAT_BODY;
  }

  @Override
  protected void decode(byte[] in, int pos, int end) {
    while (pos < end) {
      switch (state) {
        case PREFIX: {
          int b = in[pos++] & 0xff;
          if (b < TypeByte.HIGH_BIT) {
            prefixDigit(b);
          } else {
            typeByte(b);
          }
          break;
        }
        case STRING_BODY:
          pos = stringBody(in, pos, end);
          break;
        case FLOAT_BODY:
          pos = floatBody(in, pos, end);
          break;
        default:
          throw new IllegalStateException(state.name());
      }
    }
  }

  private void prefixDigit(int digit) {
    if (prefixLength == limits.maxPrefixLength()) {
      throw new LimitExceededException("prefix length", "maxPrefixLength", prefixLength + 1L,
          limits.maxPrefixLength());
    }
    if (prefixLength < LONG_DIGITS) {
      prefixValue |= (long) digit << (7 * prefixLength);
    } else {
      int i = prefixLength - LONG_DIGITS;
      if (highDigits == null || i == highDigits.length) {
        highDigits = Arrays.copyOf(highDigits == null ? EMPTY : highDigits, Math.max(8, 2 * i));
      }
      highDigits[i] = (byte) digit;
      prefixOverflow |= digit != 0;
    }
    prefixLength++;
  }

  private void typeByte(int type) {
    switch (type) {
      case TypeByte.LIST:
        beginList();
        break;
      case TypeByte.INT:
      case TypeByte.LONGINT:
        integer(false);
        break;
      case TypeByte.NEG:
      case TypeByte.LONGNEG:
        integer(true);
        break;
      case TypeByte.STRING:
        beginString();
        break;
      case TypeByte.FLOAT:
        // Twisted writes no prefix for a float and ignores one it receives.
        clearPrefix();
        floatBits = 0;
        bodyFilled = 0;
        state = State.FLOAT_BODY;
        break;
      case TypeByte.VOCAB:
        vocab();
        break;
      default:
        throw new ProtocolException(String.format("unknown banana type byte 0x%02x", type));
    }
  }

  private void beginList() {
    long length = lengthPrefix();
    if (length > limits.maxListLength()) {
      throw new LimitExceededException("list length", "maxListLength", length, limits.maxListLength());
    }
    if (depth == limits.maxDepth()) {
      throw new LimitExceededException("list nesting depth", "maxDepth", depth + 1L, limits.maxDepth());
    }
    sink.beginList((int) length);
    if (length == 0) {
      sink.endList();
      elementDone();
      return;
    }
    if (depth == remaining.length) {
      remaining = Arrays.copyOf(remaining, Math.min(2 * depth, limits.maxDepth()));
    }
    remaining[depth++] = (int) length;
  }

  private void integer(boolean negative) {
    if (!prefixOverflow) {
      long magnitude = prefixValue;
      clearPrefix();
      sink.integer(negative ? -magnitude : magnitude);
    } else {
      BigInteger value = bigPrefix();
      clearPrefix();
      if (negative) {
        value = value.negate();
      }
      // -2^63 needs the BigInteger path to be read but fits in a long.
      if (value.bitLength() < Long.SIZE) {
        sink.integer(value.longValue());
      } else {
        sink.bigInteger(value);
      }
    }
    elementDone();
  }

  private void beginString() {
    long length = lengthPrefix();
    if (length > limits.maxStringLength()) {
      throw new LimitExceededException("string length", "maxStringLength", length, limits.maxStringLength());
    }
    if (length == 0) {
      sink.bytes(EMPTY, 0, 0);
      elementDone();
      return;
    }
    bodyLength = (int) length;
    bodyFilled = 0;
    state = State.STRING_BODY;
  }

  private int stringBody(byte[] in, int pos, int end) {
    int available = end - pos;
    if (bodyFilled == 0 && available >= bodyLength) {
      state = State.PREFIX;
      sink.bytes(in, pos, bodyLength);
      elementDone();
      return pos + bodyLength;
    }
    int n = Math.min(bodyLength - bodyFilled, available);
    if (body.length < bodyFilled + n) {
      // Grow with what arrives, not with what the header announces, so a header alone cannot claim memory.
      body = Arrays.copyOf(body, Math.min(bodyLength, Math.max(bodyFilled + n, 2 * body.length)));
    }
    System.arraycopy(in, pos, body, bodyFilled, n);
    bodyFilled += n;
    if (bodyFilled == bodyLength) {
      state = State.PREFIX;
      sink.bytes(body, 0, bodyLength);
      if (body.length > RETAINED_CAPACITY) {
        body = EMPTY;
      }
      elementDone();
    }
    return pos + n;
  }

  private int floatBody(byte[] in, int pos, int end) {
    while (bodyFilled < Double.BYTES && pos < end) {
      floatBits = floatBits << 8 | (in[pos++] & 0xff);
      bodyFilled++;
    }
    if (bodyFilled == Double.BYTES) {
      state = State.PREFIX;
      sink.floating(Double.longBitsToDouble(floatBits));
      elementDone();
    }
    return pos;
  }

  private void vocab() {
    long index = lengthPrefix();
    if (dialect != Dialect.PB) {
      throw new ProtocolException("banana VOCAB token (index " + index + ") in dialect \"" + dialect.wireName()
          + "\"; the vocabulary exists only in dialect \"pb\"");
    }
    String word = index <= Vocabulary.SIZE ? Vocabulary.word((int) index) : null;
    if (word == null) {
      throw new ProtocolException("unknown banana vocabulary index " + index + " (valid: 1 to " + Vocabulary.SIZE
          + ")");
    }
    sink.symbol(word);
    elementDone();
  }

  /** Counts one finished element against the innermost open list, closing every list that it completes. */
  private void elementDone() {
    while (depth > 0) {
      if (--remaining[depth - 1] > 0) {
        return;
      }
      depth--;
      sink.endList();
    }
  }

  /** The prefix as a length, count or index, and clears it; a value past 2^63 reads as {@code Long.MAX_VALUE}. */
  private long lengthPrefix() {
    long value = prefixOverflow ? Long.MAX_VALUE : prefixValue;
    clearPrefix();
    return value;
  }

  /** The prefix's digits (7 bits each, least significant first) as one number, in time linear in its length. */
  private BigInteger bigPrefix() {
    byte[] bigEndian = new byte[(7 * prefixLength + 7) / 8];
    int at = bigEndian.length - 1;
    long bits = prefixValue;
    int count = 7 * LONG_DIGITS;
    for (int i = 0; i < prefixLength - LONG_DIGITS; i++) {
      for (; count >= 8; count -= 8) {
        bigEndian[at--] = (byte) bits;
        bits >>>= 8;
      }
      bits |= (long) highDigits[i] << count;
      count += 7;
    }
    for (; count > 0 && at >= 0; count -= 8) {
      bigEndian[at--] = (byte) bits;
      bits >>>= 8;
    }
    return new BigInteger(1, bigEndian);
  }

  private void clearPrefix() {
    prefixLength = 0;
    prefixValue = 0;
    prefixOverflow = false;
  }
}
