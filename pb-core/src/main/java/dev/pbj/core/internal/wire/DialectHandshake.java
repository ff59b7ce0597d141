package dev.pbj.core.internal.wire;

import dev.pbj.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The opening exchange of a byte-stream connection, always in banana's framing because that is what Twisted
 * speaks before any dialect is chosen: the server sends a list of dialect names, the client answers with one bare
 * name. Whatever serializer is chosen, these few bytes are banana, so this class reads and writes them itself and
 * {@code pb-core} needs no serializer module to negotiate.
 *
 * <p>A reader consumes only the bytes of the handshake; what follows in the same buffer belongs to the chosen
 * serializer (a Twisted client sends its choice and its first message in one segment).
 */
public final class DialectHandshake {
  private static final int LIST = 0x80;
  private static final int STRING = 0x82;
  /** Generous bounds for a few short names; the real limits apply once a serializer is chosen. */
  private static final int MAX_NAMES = 32;
  private static final int MAX_NAME_LENGTH = 64;
  private static final int MAX_PREFIX = 8;

  private DialectHandshake() {}

  /** The server's offer: {@code (name1 name2 …)}. */
  public static byte[] offer(List<String> dialects) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writePrefix(out, dialects.size());
    out.write(LIST);
    for (String dialect : dialects) {
      writeString(out, dialect);
    }
    return out.toByteArray();
  }

  /** The client's choice: one bare string. */
  public static byte[] choice(String dialect) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeString(out, dialect);
    return out.toByteArray();
  }

  private static void writeString(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
    writePrefix(out, bytes.length);
    out.write(STRING);
    out.write(bytes, 0, bytes.length);
  }

  private static void writePrefix(ByteArrayOutputStream out, int value) {
    do {
      out.write(value & 0x7f);
      value >>>= 7;
    } while (value != 0);
  }

  /**
   * Reads the server's offer (client side) or the client's choice (server side), incrementally. {@link #feed}
   * returns the names once complete: the offered list, or a one-element list holding the choice.
   */
  public static final class Reader {
    private final boolean expectList;
    private long prefix;
    private int prefixBytes;
    private int listRemaining = -1;
    private byte[] body;
    private int bodyFilled;
    private final List<String> names = new ArrayList<>();

    /** @param expectList true on the client, which reads the server's list of names */
    public Reader(boolean expectList) {
      this.expectList = expectList;
    }

    /** Consumes handshake bytes from {@code in}; returns the names once complete, else null (need more). */
    public List<String> feed(ByteBuffer in) {
      while (in.hasRemaining()) {
        if (body != null) {
          int n = Math.min(in.remaining(), body.length - bodyFilled);
          in.get(body, bodyFilled, n);
          bodyFilled += n;
          if (bodyFilled < body.length) {
            return null;
          }
          names.add(new String(body, StandardCharsets.US_ASCII));
          body = null;
          if (!expectList || --listRemaining == 0) {
            return names;
          }
          continue;
        }
        int b = in.get() & 0xff;
        if (b < 0x80) {
          if (prefixBytes == MAX_PREFIX) {
            throw new ProtocolException("dialect negotiation: more than " + MAX_PREFIX + " prefix bytes");
          }
          prefix |= (long) b << (7 * prefixBytes++);
          continue;
        }
        long value = prefix;
        prefix = 0;
        prefixBytes = 0;
        if (expectList && listRemaining < 0) {
          if (b != LIST) {
            throw new ProtocolException(String.format(
                "dialect negotiation: expected the server's list of dialects, got type byte 0x%02x", b));
          }
          if (value == 0 || value > MAX_NAMES) {
            throw new ProtocolException("dialect negotiation: the server offered " + value + " dialects");
          }
          listRemaining = (int) value;
          continue;
        }
        if (b != STRING) {
          throw new ProtocolException(String.format(
              "dialect negotiation: expected a dialect name (a byte string), got type byte 0x%02x", b));
        }
        if (value > MAX_NAME_LENGTH) {
          throw new ProtocolException("dialect negotiation: a dialect name of " + value + " bytes (at most "
              + MAX_NAME_LENGTH + ")");
        }
        body = new byte[(int) value];
        bodyFilled = 0;
        if (body.length == 0) {
          names.add("");
          body = null;
          if (!expectList || --listRemaining == 0) {
            return names;
          }
        }
      }
      return null;
    }
  }
}
