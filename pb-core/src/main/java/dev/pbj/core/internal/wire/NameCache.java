package dev.pbj.core.internal.wire;

import java.nio.charset.StandardCharsets;

/**
 * Strings for the names a connection receives again and again (method names, {@code "root"}), looked up straight
 * from the received bytes so a call's names cost no allocation once seen. A small direct-mapped table; a collision
 * just makes a new string. Used by the decoding thread only.
 */
public final class NameCache {
  private static final int SLOTS = 64;
  private static final int MAX_LENGTH = 48;
  // made at the first name, so that a connection that never calls holds no table
  private byte[][] keys;
  private String[] names;

  /** The name those bytes spell, from the table when they were seen before. */
  public String name(byte[] buffer, int offset, int length) {
    if (length > MAX_LENGTH) {
      return new String(buffer, offset, length, StandardCharsets.UTF_8);
    }
    int hash = length;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + buffer[i];
    }
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    if (keys == null) {
      keys = new byte[SLOTS][];
      names = new String[SLOTS];
    }
    byte[] key = keys[slot];
    if (key != null && key.length == length && java.util.Arrays.equals(key, 0, length, buffer, offset,
        offset + length)) {
      return names[slot];
    }
    String name = new String(buffer, offset, length, StandardCharsets.UTF_8);
    keys[slot] = java.util.Arrays.copyOfRange(buffer, offset, offset + length);
    names[slot] = name;
    return name;
  }
}
