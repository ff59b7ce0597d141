package dev.pbj;

/**
 * The limits of one connection, immutable. Receiving, a value over a limit closes the connection before its
 * body is buffered; sending, it fails only that call and nothing is written. Defaults are Twisted's own where
 * Twisted has one, so a PBJ peer accepts what Twisted accepts and refuses what Twisted refuses;
 * {@link #maxDepth()} is PBJ's own guard (Twisted has none). Every limit has a name that
 * {@link LimitExceededException} quotes.
 */
public final class Limits {
  private static final Limits DEFAULTS = builder().build();

  private final int maxPrefixLength;
  private final int maxStringLength;
  private final int maxListLength;
  private final int maxDepth;
  private final int maxLocalObjects;
  private final int maxMessageLength;

  private Limits(Builder b) {
    this.maxPrefixLength = b.maxPrefixLength;
    this.maxStringLength = b.maxStringLength;
    this.maxListLength = b.maxListLength;
    this.maxDepth = b.maxDepth;
    this.maxLocalObjects = b.maxLocalObjects;
    this.maxMessageLength = b.maxMessageLength;
  }

  /**
   * Twisted's limits: 64 prefix bytes, 640 KiB strings and lists, 1024 exported objects; and PBJ's own: depth
   * 1000, 16 MiB framed messages.
   */
  public static Limits defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxPrefixLength = maxPrefixLength;
    b.maxStringLength = maxStringLength;
    b.maxListLength = maxListLength;
    b.maxDepth = maxDepth;
    b.maxLocalObjects = maxLocalObjects;
    b.maxMessageLength = maxMessageLength;
    return b;
  }

  /** Banana's prefix bytes before a type byte (64: integers below 2^448). */
  public int maxPrefixLength() {
    return maxPrefixLength;
  }

  /** Bytes in one byte string (655,360). Checked when the length is read, before the body is buffered. */
  public int maxStringLength() {
    return maxStringLength;
  }

  /** Elements in one list (655,360). Checked when the count is read. */
  public int maxListLength() {
    return maxListLength;
  }

  /** Nesting of lists inside one message (1000); PBJ's guard against depth bombs. */
  public int maxDepth() {
    return maxDepth;
  }

  /** Objects this side exports to one peer at a time (Twisted's {@code MAX_BROKER_REFS}, 1024). */
  public int maxLocalObjects() {
    return maxLocalObjects;
  }

  /**
   * Bytes in one framed message (16 MiB): a length-prefixed MessagePack message, a WebSocket frame. Checked when
   * the length is read, before the message is buffered. Banana on a byte stream has no such frame (nor does
   * Twisted); its string and list limits bound it instead.
   */
  public int maxMessageLength() {
    return maxMessageLength;
  }

  @Override
  public String toString() {
    return "Limits{maxPrefixLength=" + maxPrefixLength + ", maxStringLength=" + maxStringLength
        + ", maxListLength=" + maxListLength + ", maxDepth=" + maxDepth + ", maxLocalObjects=" + maxLocalObjects
        + ", maxMessageLength=" + maxMessageLength + '}';
  }

  /** Builds {@link Limits}; starts from the defaults. */
  public static final class Builder {
    private int maxPrefixLength = 64;
    private int maxStringLength = 640 * 1024;
    private int maxListLength = 640 * 1024;
    private int maxDepth = 1000;
    private int maxLocalObjects = 1024;
    private int maxMessageLength = 16 * 1024 * 1024;

    private Builder() {}

    public Builder maxMessageLength(int value) {
      this.maxMessageLength = positive("maxMessageLength", value);
      return this;
    }

    public Builder maxPrefixLength(int value) {
      this.maxPrefixLength = positive("maxPrefixLength", value);
      return this;
    }

    public Builder maxStringLength(int value) {
      this.maxStringLength = positive("maxStringLength", value);
      return this;
    }

    public Builder maxListLength(int value) {
      this.maxListLength = positive("maxListLength", value);
      return this;
    }

    public Builder maxDepth(int value) {
      this.maxDepth = positive("maxDepth", value);
      return this;
    }

    public Builder maxLocalObjects(int value) {
      this.maxLocalObjects = positive("maxLocalObjects", value);
      return this;
    }

    public Limits build() {
      return new Limits(this);
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
