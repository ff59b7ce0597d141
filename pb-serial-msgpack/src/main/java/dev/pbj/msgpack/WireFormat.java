package dev.pbj.msgpack;

/** The constants of the {@code msgpack} dialect that are not MessagePack's own: framing and the two ext types. */
final class WireFormat {
  /** The dialect name offered in the opening exchange and used as the WebSocket subprotocol's serializer. */
  static final String DIALECT = "msgpack";

  /** Bytes of a frame's header: the body's length, unsigned, big-endian. */
  static final int HEADER_LENGTH = 4;

  /** Ext type of a protocol word ({@code symbol}); the payload is the word's ASCII bytes. */
  static final byte EXT_SYMBOL = 0;

  /** Ext type of an integer outside the 64-bit range; the payload is {@code BigInteger.toByteArray()}. */
  static final byte EXT_BIG_INTEGER = 1;

  private WireFormat() {}
}
