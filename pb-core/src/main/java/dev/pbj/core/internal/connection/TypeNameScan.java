package dev.pbj.core.internal.connection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Finds, in a connection's received bytes, the names of the types it builds with the application's code (copy
 * factories, cache constructors): a chunk that mentions one is decoded away from the I/O thread. The serializers
 * write a type name as its UTF-8 bytes, so a byte search finds every mention; a false alarm (the name inside some
 * other string) only costs a thread hand-off.
 *
 * <p>Chunks are fed in the order received, and a name split across two of them is found in the second: the scan
 * keeps the last bytes of the previous chunk. Each position is looked up by the four bytes ending there, so a
 * chunk costs one table probe per byte however many names there are. Used in the connection's context only.
 */
final class TypeNameScan {
  /** Names are looked up by their last {@value} bytes; shorter ones are compared at every position. */
  private static final int KEY = 4;

  /** Open-addressed table: the four bytes a name ends with → the names ending so. */
  private final int[] keys;
  private final byte[][][] names;
  private final int mask;
  private final byte[][] shortNames;
  private final int longest;
  /** The previous chunk's last {@code longest - 1} bytes, oldest first. */
  private final byte[] tail;
  private int tailLength;

  TypeNameScan(Collection<String> typeNames) {
    List<byte[]> longer = new ArrayList<>();
    List<byte[]> shorter = new ArrayList<>();
    int max = 0;
    for (String name : typeNames) {
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      if (bytes.length == 0) {
        continue;
      }
      (bytes.length >= KEY ? longer : shorter).add(bytes);
      max = Math.max(max, bytes.length);
    }
    int slots = Integer.highestOneBit(Math.max(8, longer.size() * 4) - 1) << 1;
    this.keys = new int[slots];
    this.names = new byte[slots][][];
    this.mask = slots - 1;
    for (byte[] name : longer) {
      int key = lastKey(name);
      int slot = slotOf(key);
      while (names[slot] != null && keys[slot] != key) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      names[slot] = names[slot] == null ? new byte[][] {name} : append(names[slot], name);
    }
    this.shortNames = shorter.toArray(new byte[0][]);
    this.longest = max;
    this.tail = new byte[Math.max(0, max - 1)];
  }

  /** Whether no name is sought: every chunk is free of them. */
  boolean isEmpty() {
    return longest == 0;
  }

  /** Whether {@code chunk}, read after the chunks fed before, may mention one of the names. */
  boolean mayMention(byte[] chunk) {
    return mayMention(ByteBuffer.wrap(chunk));
  }

  /**
   * Whether the bytes {@code chunk} has left, read after the chunks fed before, may mention one of the names; the
   * buffer's position is left as it was.
   */
  boolean mayMention(ByteBuffer chunk) {
    if (longest == 0) {
      return false;
    }
    boolean found = search(chunk);
    keepTail(chunk);
    return found;
  }

  private boolean search(ByteBuffer chunk) {
    int total = tailLength + chunk.remaining();
    int window = 0;
    // positions inside the tail were searched with the previous chunk: only names ending in this chunk count
    for (int end = 0; end < total; end++) {
      window = (window << 8) | (byteAt(chunk, end) & 0xff);
      if (end < tailLength) {
        continue;
      }
      for (byte[] name : shortNames) {
        if (endsAt(chunk, end, name)) {
          return true;
        }
      }
      if (end >= KEY - 1) {
        int slot = slotOf(window);
        byte[][] candidates;
        while ((candidates = names[slot]) != null) {
          if (keys[slot] == window) {
            for (byte[] name : candidates) {
              if (endsAt(chunk, end, name)) {
                return true;
              }
            }
            break;
          }
          slot = (slot + 1) & mask;
        }
      }
    }
    return false;
  }

  private boolean endsAt(ByteBuffer chunk, int end, byte[] name) {
    int start = end - name.length + 1;
    if (start < 0) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (byteAt(chunk, start + i) != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** The byte at {@code index} of the tail followed by what {@code chunk} has left. */
  private byte byteAt(ByteBuffer chunk, int index) {
    return index < tailLength ? tail[index] : chunk.get(chunk.position() + index - tailLength);
  }

  private void keepTail(ByteBuffer chunk) {
    int keep = tail.length;
    int length = chunk.remaining();
    int from = chunk.position();
    if (length >= keep) {
      chunk.get(from + length - keep, tail, 0, keep);
      tailLength = keep;
      return;
    }
    int fromTail = Math.min(tailLength, keep - length);
    System.arraycopy(tail, tailLength - fromTail, tail, 0, fromTail);
    chunk.get(from, tail, fromTail, length);
    tailLength = fromTail + length;
  }

  private int slotOf(int key) {
    int h = key * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }

  private static int lastKey(byte[] name) {
    int key = 0;
    for (int i = name.length - KEY; i < name.length; i++) {
      key = (key << 8) | (name[i] & 0xff);
    }
    return key;
  }

  private static byte[][] append(byte[][] array, byte[] name) {
    byte[][] grown = Arrays.copyOf(array, array.length + 1);
    grown[array.length] = name;
    return grown;
  }
}
