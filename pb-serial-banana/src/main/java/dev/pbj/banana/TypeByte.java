package dev.pbj.banana;

/** Banana's type bytes: the first byte with its high bit set ends a token's prefix and says what it is. */
final class TypeByte {
  static final int LIST = 0x80;
  static final int INT = 0x81;
  static final int STRING = 0x82;
  static final int NEG = 0x83;
  static final int FLOAT = 0x84;
  static final int LONGINT = 0x85;
  static final int LONGNEG = 0x86;
  static final int VOCAB = 0x87;

  /** Prefix bytes carry 7 bits each; a set high bit marks a type byte. */
  static final int HIGH_BIT = 0x80;

  private TypeByte() {}
}
