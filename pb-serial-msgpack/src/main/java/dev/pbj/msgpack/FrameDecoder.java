package dev.pbj.msgpack;

import static dev.pbj.msgpack.WireFormat.EXT_BIG_INTEGER;
import static dev.pbj.msgpack.WireFormat.EXT_SYMBOL;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.ProtocolException;
import dev.pbj.spi.TokenSink;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.msgpack.core.MessageFormat;

/**
 * Reads the one MessagePack array of a complete frame, in place in the frame's array, and pushes its tokens to a
 * {@link TokenSink}: each value's first byte is classified by msgpack-core's {@link MessageFormat} table, and its
 * header and payload are read here. (msgpack-core's {@code MessageUnpacker} did the reading once; its buffer
 * layers, a wrapper per frame and a skip per string, were a fifth of a small call's decoding, and a complete
 * frame needs none of them.) Nested arrays are followed with an explicit stack of remaining element counts, never
 * by recursion; {@code endList()} is called when an array's last element completes.
 *
 * <p>Every length is checked from its header, before its payload is read: str, bin and ext payloads against
 * {@link Limits#maxStringLength()}, array counts against {@link Limits#maxListLength()}, nesting against
 * {@link Limits#maxDepth()}, and every length against the bytes left in the frame (so a lying header allocates
 * nothing). Byte strings reach the sink in place, in the frame's own array.
 *
 * <p>Part of one {@link MsgpackDecoder}; not thread-safe. After an exception it must not be used again.
 */
final class FrameDecoder {
  private static final byte[] EMPTY = new byte[0];
  private static final String PB_TYPES = "PB messages use arrays, ints, floats, bin, str, and ext 0/1";

  private final Limits limits;
  private final TokenSink sink;
  private final SymbolCache symbols = new SymbolCache();
  private final TextCache texts = new TextCache();
  private final TextCache.Decoder utf8 = this::utf8;
  private CharsetDecoder strictUtf8;

  /** The frame being decoded: its array, where it starts and ends there, and where the next value starts. */
  private byte[] frame = EMPTY;
  private int frameOffset;
  private int frameEnd;
  private int pos;
  /** Elements still expected by each open array, innermost last. */
  private int[] remaining = new int[16];
  private int depth;

  FrameDecoder(Limits limits, TokenSink sink) {
    this.limits = limits;
    this.sink = sink;
  }

  /** Whether a frame is being decoded (a sink callback is under way). */
  boolean inFrame() {
    return depth > 0;
  }

  /** Decodes the one array that {@code length} bytes of {@code frame} from {@code offset} must hold. */
  void decode(byte[] frame, int offset, int length) {
    this.frame = frame;
    this.frameOffset = offset;
    this.frameEnd = offset + length;
    this.pos = offset;
    need(1, "a frame");
    MessageFormat format = MessageFormat.valueOf(frame[pos]);
    if (format != MessageFormat.FIXARRAY && format != MessageFormat.ARRAY16 && format != MessageFormat.ARRAY32) {
      throw new ProtocolException("a msgpack frame holds one MessagePack array (the PB message), not "
          + typeName(format));
    }
    do {
      value();
    } while (depth > 0);
    int left = bytesLeft();
    if (left > 0) {
      throw new ProtocolException(left + " bytes left in a msgpack frame of " + length
          + " after its message; a frame holds exactly one MessagePack array");
    }
  }

  /** Reads one value: an atom, or an array's header (its elements follow as values of their own). */
  private void value() {
    need(1, "a value");
    int first = frame[pos] & 0xff;
    MessageFormat format = MessageFormat.valueOf((byte) first);
    switch (format) {
      case FIXARRAY:
        pos++;
        beginArray(first & 0x0f);
        return;
      case ARRAY16:
        need(3, "an array 16 header");
        beginArray(unsigned(pos + 1, 2), 3);
        return;
      case ARRAY32:
        need(5, "an array 32 header");
        beginArray(unsigned(pos + 1, 4), 5);
        return;
      case POSFIXINT:
        pos++;
        sink.integer(first);
        break;
      case NEGFIXINT:
        pos++;
        sink.integer((byte) first);
        break;
      case UINT8:
        sink.integer(fixed(2, "a uint 8") & 0xff);
        break;
      case UINT16:
        sink.integer(fixed(3, "a uint 16") & 0xffff);
        break;
      case UINT32:
        sink.integer(fixed(5, "a uint 32") & 0xffffffffL);
        break;
      case UINT64:
        long unsigned = fixed(9, "a uint 64");
        if (unsigned >= 0) {
          sink.integer(unsigned);
        } else {
          sink.bigInteger(new BigInteger(Long.toUnsignedString(unsigned)));
        }
        break;
      case INT8:
        sink.integer((byte) fixed(2, "an int 8"));
        break;
      case INT16:
        sink.integer((short) fixed(3, "an int 16"));
        break;
      case INT32:
        sink.integer((int) fixed(5, "an int 32"));
        break;
      case INT64:
        sink.integer(fixed(9, "an int 64"));
        break;
      case FLOAT32:
        sink.floating(Float.intBitsToFloat((int) fixed(5, "a float 32")));
        break;
      case FLOAT64:
        sink.floating(Double.longBitsToDouble(fixed(9, "a float 64")));
        break;
      case BIN8:
      case BIN16:
      case BIN32:
        bin();
        break;
      case FIXSTR:
      case STR8:
      case STR16:
      case STR32:
        str(first);
        break;
      case FIXEXT1:
      case FIXEXT2:
      case FIXEXT4:
      case FIXEXT8:
      case FIXEXT16:
      case EXT8:
      case EXT16:
      case EXT32:
        ext(first);
        break;
      case NEVER_USED:
        throw new ProtocolException("malformed MessagePack at byte " + (pos - frameOffset) + " of a frame of "
            + (frameEnd - frameOffset) + " bytes: 0xc1 is never used");
      default:
        throw wrongType(typeName(format));
    }
    elementDone();
  }

  /** An array whose count is {@code count}, after a header of {@code header} bytes at the position. */
  private void beginArray(long count, int header) {
    pos += header;
    beginArray(count);
  }

  private void beginArray(long count) {
    if (count > limits.maxListLength()) {
      throw new LimitExceededException("list length", "maxListLength", count, limits.maxListLength());
    }
    if (depth == limits.maxDepth()) {
      throw new LimitExceededException("list nesting depth", "maxDepth", depth + 1L, limits.maxDepth());
    }
    int left = bytesLeft();
    if (count > left) {
      // Each element takes at least a byte: refuse before announcing a list that cannot be complete.
      throw new ProtocolException("array of " + count + " elements in the " + left + " bytes left in its frame");
    }
    sink.beginList((int) count);
    if (count == 0) {
      sink.endList();
      elementDone();
      return;
    }
    if (depth == remaining.length) {
      remaining = Arrays.copyOf(remaining, Math.min(2 * depth, limits.maxDepth()));
    }
    remaining[depth++] = (int) count;
  }

  /**
   * The big-endian number in the {@code size - 1} bytes after the format byte of a value of {@code size} bytes
   * in all, which the position moves past.
   */
  private long fixed(int size, String what) {
    need(size, what);
    long value = 0;
    for (int i = pos + 1; i < pos + size; i++) {
      value = value << 8 | (frame[i] & 0xff);
    }
    pos += size;
    return value;
  }

  /** Fails unless the frame holds {@code size} more bytes from the position. */
  private void need(int size, String what) {
    if (frameEnd - pos < size) {
      throw new ProtocolException("malformed MessagePack at byte " + (pos - frameOffset) + " of a frame of "
          + (frameEnd - frameOffset) + " bytes: " + what + " needs " + size + " bytes, " + (frameEnd - pos)
          + " are left");
    }
  }

  // Strings, byte strings and exts are read in place in the frame's array.

  private void bin() {
    int header = header(1, 2, 3, 5);
    long length = length(1, header);
    int at = payload("byte string length", header, length);
    sink.bytes(frame, at, (int) length);
    pos = at + (int) length;
  }

  private void str(int first) {
    int header = (first & 0xe0) == 0xa0 ? 1 : header(1, 2, 3, 5);
    long length = header == 1 ? first & 0x1f : length(1, header);
    int at = payload("text length", header, length);
    sink.text(length <= TextCache.MAX_LENGTH ? texts.text(frame, at, (int) length, utf8)
        : utf8(frame, at, (int) length));
    pos = at + (int) length;
  }

  private void ext(int first) {
    int header;
    long length;
    if (first >= 0xd4 && first <= 0xd8) { // fixext 1, 2, 4, 8, 16: the type byte follows
      header = header(2, 2, 2, 2);
      length = 1L << (first - 0xd4);
    } else { // ext 8, 16, 32: the length, then the type byte
      header = header(0, 3, 4, 6);
      length = length(1, header - 1);
    }
    byte type = frame[pos + header - 1];
    int at;
    if (type == EXT_SYMBOL) {
      at = payload("symbol length", header, length);
      String word = symbols.wordOf(frame, at, (int) length);
      if (word == null) {
        throw new ProtocolException("a symbol (ext 0) is an ASCII word; this one has a byte above 0x7f");
      }
      sink.symbol(word);
    } else if (type == EXT_BIG_INTEGER) {
      at = payload("big integer length", header, length);
      if (length == 0) {
        throw new ProtocolException("a big integer (ext 1) with no bytes");
      }
      BigInteger value = new BigInteger(frame, at, (int) length);
      if (value.bitLength() < Long.SIZE) {
        sink.integer(value.longValue());
      } else {
        sink.bigInteger(value);
      }
    } else {
      throw wrongType("ext type " + type);
    }
    pos = at + (int) length;
  }

  /**
   * The header length of the value at the position, by its format byte's place among the 8, 16 and 32 bit
   * variants (0xc4..0xc6 bin, 0xd9..0xdb str, 0xc7..0xc9 ext); {@code fix} for any other byte. Checks that the
   * frame holds the header.
   */
  private int header(int fix, int with8, int with16, int with32) {
    int first = frame[pos] & 0xff;
    int size;
    switch (first) {
      case 0xc4: case 0xd9: case 0xc7:
        size = with8;
        break;
      case 0xc5: case 0xda: case 0xc8:
        size = with16;
        break;
      case 0xc6: case 0xdb: case 0xc9:
        size = with32;
        break;
      default:
        size = fix;
    }
    int left = bytesLeft();
    if (size > left) {
      throw new ProtocolException("a value's header runs past the end of its msgpack frame (" + left
          + " bytes left)");
    }
    return size;
  }

  /** The big-endian unsigned number in the bytes {@code [start, end)} counted from the position. */
  private long length(int start, int end) {
    return unsigned(pos + start, end - start);
  }

  /** The big-endian unsigned number in the {@code size} bytes of the frame's array from {@code at}. */
  private long unsigned(int at, int size) {
    long value = 0;
    for (int i = at; i < at + size; i++) {
      value = value << 8 | (frame[i] & 0xff);
    }
    return value;
  }

  /**
   * Where the {@code length} bytes after a {@code header}-byte header start in {@link #frame}, after checking the
   * string limit and that the frame holds them.
   */
  private int payload(String what, int header, long length) {
    if (length > limits.maxStringLength()) {
      throw new LimitExceededException(what, "maxStringLength", length, limits.maxStringLength());
    }
    int left = bytesLeft() - header;
    if (length > left) {
      throw new ProtocolException(what + " " + length + " runs past the end of its msgpack frame (" + left
          + " bytes left)");
    }
    return pos + header;
  }

  /** Strict UTF-8: a PB text is a Python {@code str}, which no invalid sequence can become. */
  private String utf8(byte[] buffer, int offset, int length) {
    String text = new String(buffer, offset, length, StandardCharsets.UTF_8);
    // The fast decoder replaces what is invalid with U+FFFD; only then is a strict second look needed.
    if (text.indexOf('\uFFFD') >= 0) {
      if (strictUtf8 == null) {
        strictUtf8 = StandardCharsets.UTF_8.newDecoder();
      }
      try {
        strictUtf8.decode(ByteBuffer.wrap(buffer, offset, length));
      } catch (CharacterCodingException e) {
        throw new ProtocolException("a str that is not valid UTF-8 (" + e.getMessage() + ")", e);
      }
    }
    return text;
  }

  /** Counts one finished element against the innermost open array, closing every array that it completes. */
  private void elementDone() {
    while (depth > 0) {
      if (--remaining[depth - 1] > 0) {
        return;
      }
      depth--;
      sink.endList();
    }
  }

  private int bytesLeft() {
    return frameEnd - pos;
  }

  private static ProtocolException wrongType(String type) {
    return new ProtocolException("wrong type in a PB message: " + type + " (" + PB_TYPES + ")");
  }

  private static String typeName(MessageFormat format) {
    switch (format) {
      case NIL:
        return "nil";
      case BOOLEAN:
        return "bool";
      case FIXMAP:
      case MAP16:
      case MAP32:
        return "map";
      case NEVER_USED:
        return "the never-used byte 0xc1";
      default:
        switch (format.getValueType()) {
          case INTEGER:
            return "int";
          case FLOAT:
            return "float";
          case STRING:
            return "str";
          case BINARY:
            return "bin";
          case EXTENSION:
            return "ext";
          default:
            return format.getValueType().name().toLowerCase(Locale.ROOT);
        }
    }
  }
}
