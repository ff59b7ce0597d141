package dev.pbj.bench.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds where each top-level banana expression ends without building any value: the minimal parser of the
 * independent PB wire client. Banana is self-delimiting (a LIST's prefix counts its elements, a STRING's its
 * bytes, a FLOAT has eight), so a stack of "elements still to come" per open list is all it keeps. It reports each
 * top-level expression's end with the VOCAB number its list began with (PB's command: 27 is {@code answer}), and,
 * while {@link #captureStrings} is on, keeps the short byte strings found directly inside a top-level list (the
 * dialect names of the opening exchange).
 *
 * <p>One scanner per connection, fed from one thread. {@link #feed} consumes every readable byte of the buffer it is
 * given, in any split (an element may end in a later buffer); the caller keeps the buffer and releases it. Input that
 * is not banana, or exceeds the limits below, throws {@link IllegalStateException} saying what and by how much.
 */
final class BananaScanner {

  /** Told of every top-level expression, on the thread that called {@link #feed}. */
  interface Listener {
    /**
     * A top-level expression ended.
     *
     * @param command the VOCAB number of its list's first element, or -1 (not a list, or not a VOCAB first)
     */
    void expression(int command);
  }

  /** The most lists open at once. */
  static final int MAX_DEPTH = 64;
  /** Prefix bytes before a type byte: nine base-128 digits fit a long (Twisted allows 64). */
  static final int MAX_PREFIX_BYTES = 9;
  /** Elements of a LIST and bytes of a STRING, as in Twisted ({@code banana.SIZE_LIMIT}). */
  static final long MAX_LENGTH = 640 * 1024;
  /** Captured strings are dialect names: short. */
  private static final int MAX_CAPTURED = 64;

  private static final int LIST = 0x80;
  private static final int INT = 0x81;
  private static final int STRING = 0x82;
  private static final int NEG = 0x83;
  private static final int FLOAT = 0x84;
  private static final int LONGINT = 0x85;
  private static final int LONGNEG = 0x86;
  private static final int VOCAB = 0x87;

  private final Listener listener;
  /** Per open list, the elements still to come. */
  private final long[] remaining = new long[MAX_DEPTH];
  private int depth;
  private long prefix;
  private int prefixBytes;
  /** Body bytes of the STRING or FLOAT being read that have not arrived yet. */
  private long body;
  /** Whether the next element to end directly in the top-level list is its first. */
  private boolean firstPending;
  private int command = -1;
  private boolean capture;
  private byte[] captured;
  private int capturedLength;
  private final List<String> strings = new ArrayList<>();

  BananaScanner(Listener listener) {
    this.listener = listener;
  }

  /** While on, byte strings of up to 64 bytes directly inside a top-level list are kept for {@link #takeStrings}. */
  void captureStrings(boolean on) {
    capture = on;
  }

  /** The strings captured since the last call, in order (as ASCII). */
  List<String> takeStrings() {
    List<String> taken = List.copyOf(strings);
    strings.clear();
    return taken;
  }

  /** Reads every readable byte of {@code in}, telling the listener of each top-level expression that ends. */
  void feed(ByteBuf in) {
    while (in.isReadable()) {
      if (body > 0) {
        int n = (int) Math.min(body, in.readableBytes());
        if (captured != null) {
          in.readBytes(captured, capturedLength, n);
          capturedLength += n;
        } else {
          in.skipBytes(n);
        }
        body -= n;
        if (body == 0) {
          bodyEnded();
        }
        continue;
      }
      int b = in.readByte() & 0xff;
      if (b < 0x80) {
        if (prefixBytes == MAX_PREFIX_BYTES) {
          throw new IllegalStateException("banana: more than " + MAX_PREFIX_BYTES + " prefix bytes before a type "
              + "byte (this scanner reads numbers below 2^63)");
        }
        prefix |= (long) b << (7 * prefixBytes++);
        continue;
      }
      long value = prefix;
      prefix = 0;
      prefixBytes = 0;
      switch (b) {
        case LIST -> {
          checkLength("list of", value, "elements");
          if (value == 0) {
            ended(-1);
          } else {
            open(value);
          }
        }
        case STRING -> {
          checkLength("string of", value, "bytes");
          if (capture && depth == 1 && value <= MAX_CAPTURED) {
            captured = new byte[(int) value];
            capturedLength = 0;
          }
          body = value;
          if (value == 0) {
            bodyEnded();
          }
        }
        case FLOAT -> body = 8;
        case INT, NEG, LONGINT, LONGNEG -> ended(-1);
        case VOCAB -> ended((int) Math.min(value, Integer.MAX_VALUE));
        default -> throw new IllegalStateException(String.format("banana: unknown type byte 0x%02x", b));
      }
    }
  }

  private static void checkLength(String what, long value, String unit) {
    if (value > MAX_LENGTH) {
      throw new IllegalStateException("banana: a " + what + " " + value + " " + unit + " (at most " + MAX_LENGTH
          + ")");
    }
  }

  private void open(long elements) {
    if (depth == MAX_DEPTH) {
      throw new IllegalStateException("banana: lists nested deeper than " + MAX_DEPTH);
    }
    remaining[depth++] = elements;
    if (depth == 1) {
      firstPending = true;
    }
  }

  private void bodyEnded() {
    if (captured != null) {
      strings.add(new String(captured, 0, capturedLength, StandardCharsets.US_ASCII));
      captured = null;
    }
    ended(-1);
  }

  /** An element ended: a VOCAB ({@code vocab} ≥ 0) or anything else (-1); closes every list it completes. */
  private void ended(int vocab) {
    int value = vocab;
    while (depth > 0) {
      if (depth == 1 && firstPending) {
        command = value;
        firstPending = false;
      }
      if (--remaining[depth - 1] > 0) {
        return;
      }
      depth--;
      value = -1; // the list that just closed is an element of its parent
    }
    int ended = command;
    command = -1;
    listener.expression(ended);
  }
}
