package dev.pbj.msgpack;

import static dev.pbj.msgpack.WireFormat.EXT_BIG_INTEGER;
import static dev.pbj.msgpack.WireFormat.EXT_SYMBOL;

import dev.pbj.LimitExceededException;
import dev.pbj.Limits;
import dev.pbj.ProtocolException;
import dev.pbj.spi.TokenSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;

/**
 * Reads the one MessagePack array of a complete frame with msgpack-core's {@link MessageUnpacker} and pushes its
 * tokens to a {@link TokenSink}. Nested arrays are followed with an explicit stack of remaining element counts,
 * never by recursion; {@code endList()} is called when an array's last element completes.
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
  private final ArrayBufferInput frameInput = new ArrayBufferInput(EMPTY);
  private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(frameInput);
  private final SymbolCache symbols = new SymbolCache();
  private CharsetDecoder strictUtf8;

  /** The frame being decoded, where in its array it starts, and its length. */
  private byte[] frame = EMPTY;
  private int frameOffset;
  private int decodingLength;
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
    frameInput.reset(frame, offset, length);
    this.frame = frame;
    this.frameOffset = offset;
    decodingLength = length;
    try {
      unpacker.reset(frameInput);
      MessageFormat format = unpacker.getNextFormat();
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
    } catch (MessagePackException e) {
      throw new ProtocolException("malformed MessagePack at byte " + unpacker.getTotalReadBytes()
          + " of a frame of " + length + " bytes: "
          + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
    } catch (IOException e) {
      throw new UncheckedIOException("msgpack-core's array input threw", e);
    }
  }

  /** Reads one value: an atom, or an array's header (its elements follow as values of their own). */
  private void value() throws IOException {
    MessageFormat format = unpacker.getNextFormat();
    switch (format) {
      case FIXARRAY:
      case ARRAY16:
      case ARRAY32:
        beginArray();
        return;
      case POSFIXINT:
      case NEGFIXINT:
      case UINT8:
      case UINT16:
      case UINT32:
      case INT8:
      case INT16:
      case INT32:
      case INT64:
        sink.integer(unpacker.unpackLong());
        break;
      case UINT64:
        integer(unpacker.unpackBigInteger());
        break;
      case FLOAT32:
      case FLOAT64:
        sink.floating(unpacker.unpackDouble());
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
        str();
        break;
      case FIXEXT1:
      case FIXEXT2:
      case FIXEXT4:
      case FIXEXT8:
      case FIXEXT16:
      case EXT8:
      case EXT16:
      case EXT32:
        ext();
        break;
      case NEVER_USED:
        throw new ProtocolException("malformed MessagePack at byte " + unpacker.getTotalReadBytes() + " of a frame"
            + " of " + decodingLength + " bytes: 0xc1 is never used");
      default:
        throw wrongType(typeName(format));
    }
    elementDone();
  }

  private void beginArray() throws IOException {
    long count;
    try {
      count = unpacker.unpackArrayHeader();
    } catch (MessageSizeException e) {
      count = e.getSize(); // array 32 past 2^31: past any limit
    }
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

  private void integer(BigInteger value) {
    if (value.bitLength() < Long.SIZE) {
      sink.integer(value.longValue());
    } else {
      sink.bigInteger(value);
    }
  }

  // Strings, byte strings and exts are read in place in the frame's array, their headers too, and then skipped
  // with msgpack-core: its header and payload readers allocate a wrapper per value.

  private void bin() throws IOException {
    int header = header(1, 2, 3, 5);
    long length = length(1, header);
    int at = payload("byte string length", header, length);
    sink.bytes(frame, at, (int) length);
    unpacker.skipValue();
  }

  private void str() throws IOException {
    int first = frame[position()] & 0xff;
    int header = (first & 0xe0) == 0xa0 ? 1 : header(1, 2, 3, 5);
    long length = header == 1 ? first & 0x1f : length(1, header);
    int at = payload("text length", header, length);
    sink.text(utf8(frame, at, (int) length));
    unpacker.skipValue();
  }

  private void ext() throws IOException {
    int first = frame[position()] & 0xff;
    int header;
    long length;
    if (first >= 0xd4 && first <= 0xd8) { // fixext 1, 2, 4, 8, 16: the type byte follows
      header = header(2, 2, 2, 2);
      length = 1L << (first - 0xd4);
    } else { // ext 8, 16, 32: the length, then the type byte
      header = header(0, 3, 4, 6);
      length = length(1, header - 1);
    }
    byte type = frame[position() + header - 1];
    if (type == EXT_SYMBOL) {
      int at = payload("symbol length", header, length);
      String word = symbols.wordOf(frame, at, (int) length);
      if (word == null) {
        throw new ProtocolException("a symbol (ext 0) is an ASCII word; this one has a byte above 0x7f");
      }
      sink.symbol(word);
    } else if (type == EXT_BIG_INTEGER) {
      int at = payload("big integer length", header, length);
      if (length == 0) {
        throw new ProtocolException("a big integer (ext 1) with no bytes");
      }
      integer(new BigInteger(frame, at, (int) length));
    } else {
      throw wrongType("ext type " + type);
    }
    unpacker.skipValue();
  }

  /** Where the unpacker is in {@link #frame}. */
  private int position() {
    return frameOffset + (int) unpacker.getTotalReadBytes();
  }

  /**
   * The header length of the value at the unpacker's position, by its format byte's place among the 8, 16 and 32
   * bit variants (0xc4..0xc6 bin, 0xd9..0xdb str, 0xc7..0xc9 ext); {@code fix} for any other byte. Checks that the
   * frame holds the header.
   */
  private int header(int fix, int with8, int with16, int with32) {
    int first = frame[position()] & 0xff;
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

  /** The big-endian unsigned number in the bytes {@code [start, end)} counted from the unpacker's position. */
  private long length(int start, int end) {
    int base = position();
    long length = 0;
    for (int i = base + start; i < base + end; i++) {
      length = length << 8 | (frame[i] & 0xff);
    }
    return length;
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
    return position() + header;
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
    return decodingLength - (int) unpacker.getTotalReadBytes();
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
