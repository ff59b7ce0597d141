package dev.pbj;

import java.time.Duration;

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
  private final int outboundHighWaterMark;
  private final int outboundLowWaterMark;
  private final long maxUnreadOutput;
  private final Duration unreadOutputGrace;
  private final int maxPendingCalls;
  private final int maxConnections;

  private Limits(Builder b) {
    this.maxPrefixLength = b.maxPrefixLength;
    this.maxStringLength = b.maxStringLength;
    this.maxListLength = b.maxListLength;
    this.maxDepth = b.maxDepth;
    this.maxLocalObjects = b.maxLocalObjects;
    this.maxMessageLength = b.maxMessageLength;
    if (b.outboundLowWaterMark > b.outboundHighWaterMark) {
      throw new IllegalArgumentException("outboundLowWaterMark (" + b.outboundLowWaterMark
          + ") must not be above outboundHighWaterMark (" + b.outboundHighWaterMark + ")");
    }
    if (b.maxUnreadOutput < b.outboundHighWaterMark) {
      throw new IllegalArgumentException("maxUnreadOutput (" + b.maxUnreadOutput
          + ") must not be below outboundHighWaterMark (" + b.outboundHighWaterMark + ")");
    }
    this.outboundHighWaterMark = b.outboundHighWaterMark;
    this.outboundLowWaterMark = b.outboundLowWaterMark;
    this.maxUnreadOutput = b.maxUnreadOutput;
    this.unreadOutputGrace = b.unreadOutputGrace;
    this.maxPendingCalls = b.maxPendingCalls;
    this.maxConnections = b.maxConnections;
  }

  /**
   * Twisted's limits: 64 prefix bytes, 640 KiB strings and lists, 1024 exported objects; and PBJ's own: depth
   * 1000, 16 MiB framed messages, output water marks of 4 and 2 MiB, 64 MiB of unread output for 30 s at most,
   * 2048 pending calls.
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
    b.outboundHighWaterMark = outboundHighWaterMark;
    b.outboundLowWaterMark = outboundLowWaterMark;
    b.maxUnreadOutput = maxUnreadOutput;
    b.unreadOutputGrace = unreadOutputGrace;
    b.maxPendingCalls = maxPendingCalls;
    b.maxConnections = maxConnections;
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

  /**
   * Unwritten output (bytes sent to the peer and not yet taken by it) above which the connection stops reading
   * that peer's input, until the output drains below {@link #outboundLowWaterMark()} (4 MiB): a peer that does not
   * read its answers stops being served instead of filling this process's memory.
   */
  public int outboundHighWaterMark() {
    return outboundHighWaterMark;
  }

  /** Unwritten output below which a connection paused by {@link #outboundHighWaterMark()} reads again (2 MiB). */
  public int outboundLowWaterMark() {
    return outboundLowWaterMark;
  }

  /**
   * Unwritten output that, held for longer than {@link #unreadOutputGrace()}, closes the connection with a
   * {@link LimitExceededException} (64 MiB): output the peer's own calls did not cause (cache updates it observes,
   * calls this side makes) is not stopped by pausing its input.
   */
  public long maxUnreadOutput() {
    return maxUnreadOutput;
  }

  /** How long unwritten output may stay above {@link #maxUnreadOutput()} before the connection closes (30 s). */
  public Duration unreadOutputGrace() {
    return unreadOutputGrace;
  }

  /**
   * The peer's calls one connection holds at a time, queued or running (2048); at the limit the connection stops
   * reading that peer until some are answered.
   */
  public int maxPendingCalls() {
    return maxPendingCalls;
  }

  /**
   * The connections a server holds at once (50,000), counted from accept to close, login or not; one more is
   * refused at once ({@link ConnectionRefusedException} on a PBJ client; a WebSocket is closed with 1013, try again
   * later), and the refusals are logged once per burst. Unused by clients.
   */
  public int maxConnections() {
    return maxConnections;
  }

  @Override
  public String toString() {
    return "Limits{maxPrefixLength=" + maxPrefixLength + ", maxStringLength=" + maxStringLength
        + ", maxListLength=" + maxListLength + ", maxDepth=" + maxDepth + ", maxLocalObjects=" + maxLocalObjects
        + ", maxMessageLength=" + maxMessageLength + ", outboundHighWaterMark=" + outboundHighWaterMark
        + ", outboundLowWaterMark=" + outboundLowWaterMark + ", maxUnreadOutput=" + maxUnreadOutput
        + ", unreadOutputGrace=" + unreadOutputGrace + ", maxPendingCalls=" + maxPendingCalls
        + ", maxConnections=" + maxConnections + '}';
  }

  /** Builds {@link Limits}; starts from the defaults. */
  public static final class Builder {
    private int maxPrefixLength = 64;
    private int maxStringLength = 640 * 1024;
    private int maxListLength = 640 * 1024;
    private int maxDepth = 1000;
    private int maxLocalObjects = 1024;
    private int maxMessageLength = 16 * 1024 * 1024;
    private int outboundHighWaterMark = 4 * 1024 * 1024;
    private int outboundLowWaterMark = 2 * 1024 * 1024;
    private long maxUnreadOutput = 64L * 1024 * 1024;
    private Duration unreadOutputGrace = Duration.ofSeconds(30);
    private int maxPendingCalls = 2048;
    private int maxConnections = 50_000;

    private Builder() {}

    /** See {@link Limits#outboundHighWaterMark()}; checked against the low mark when built. */
    public Builder outboundHighWaterMark(int bytes) {
      this.outboundHighWaterMark = positive("outboundHighWaterMark", bytes);
      return this;
    }

    /** See {@link Limits#outboundLowWaterMark()}; checked against the high mark when built. */
    public Builder outboundLowWaterMark(int bytes) {
      this.outboundLowWaterMark = positive("outboundLowWaterMark", bytes);
      return this;
    }

    /** See {@link Limits#maxUnreadOutput()}. */
    public Builder maxUnreadOutput(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxUnreadOutput: " + bytes + " (expected: > 0)");
      }
      this.maxUnreadOutput = bytes;
      return this;
    }

    /** See {@link Limits#unreadOutputGrace()}. */
    public Builder unreadOutputGrace(Duration grace) {
      if (grace.isNegative()) {
        throw new IllegalArgumentException("unreadOutputGrace: " + grace + " (expected: not negative)");
      }
      this.unreadOutputGrace = grace;
      return this;
    }

    /** See {@link Limits#maxConnections()}. */
    public Builder maxConnections(int connections) {
      this.maxConnections = positive("maxConnections", connections);
      return this;
    }

    /** See {@link Limits#maxPendingCalls()}. */
    public Builder maxPendingCalls(int calls) {
      this.maxPendingCalls = positive("maxPendingCalls", calls);
      return this;
    }

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
