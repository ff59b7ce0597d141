package dev.pbj.bench.wire;

import io.netty.buffer.ByteBuf;

/**
 * What a {@link PipelinedClient} says on one connection and how it recognizes the answers: an opening exchange if
 * the protocol has one, then calls written back to back and answers counted as they end. One instance per
 * connection, holding its parse state; the client calls it from its event loop only.
 */
interface Wire {

  /** Whether the opening exchange (if any) is over and calls may be written. */
  boolean ready();

  /**
   * Reads every readable byte of {@code in} (the caller releases it).
   *
   * @return how many answers ended in it
   * @throws IllegalStateException if what arrived is not what this protocol allows (an error answer included)
   */
  int read(ByteBuf in);

  /** Bytes the opening exchange needs sent now, or null. */
  byte[] takeReply();

  /** Writes the next {@code count} calls into {@code out}. */
  void writeCalls(ByteBuf out, int count);

  /** The most bytes one call takes, to size the buffer {@link #writeCalls} writes into. */
  int maxCallBytes();
}
