package dev.pbj.websocket;

import io.undertow.websockets.core.StreamSourceFrameChannel;
import java.io.IOException;
import org.xnio.ChannelListener;

/**
 * Reads one Undertow frame channel (a whole message, continuation frames included) into a
 * {@link MessageAssembler}: at once when its bytes have arrived, otherwise from the frame channel's read listener
 * as they come, on the connection's I/O thread either way. Reports a message over the assembler's limit as soon
 * as it passes it, then reads and drops the rest, so that the connection stays in step for the close frame.
 */
final class FrameReader implements ChannelListener<StreamSourceFrameChannel> {

  /** What becomes of the frame; called on the I/O thread. */
  interface Outcome {
    /** The message is complete in the assembler (or passed its limit, see {@link MessageAssembler#overflowed}). */
    void read(MessageAssembler message);

    /** The message passed the assembler's limit; {@link #read} follows once the rest has been dropped. */
    void tooBig(long seen);

    void failed(IOException error);
  }

  private final MessageAssembler into;
  private final Outcome outcome;
  private boolean tooBigReported;

  private FrameReader(MessageAssembler into, Outcome outcome) {
    this.into = into;
    this.outcome = outcome;
  }

  /** Reads {@code frame} into {@code into}, which must have been reset; {@code outcome} hears how it went. */
  static void read(StreamSourceFrameChannel frame, MessageAssembler into, Outcome outcome) {
    FrameReader reader = new FrameReader(into, outcome);
    if (!reader.pump(frame)) {
      into.keepWhileWaiting();
      frame.getReadSetter().set(reader);
      frame.resumeReads();
    }
  }

  @Override
  public void handleEvent(StreamSourceFrameChannel frame) {
    if (pump(frame)) {
      frame.suspendReads();
      frame.getReadSetter().set(null);
    } else {
      into.keepWhileWaiting();
    }
  }

  /** Reads what is there; {@code true} once the frame is finished with, one way or another. */
  private boolean pump(StreamSourceFrameChannel frame) {
    try {
      int read;
      while ((read = into.readFrom(frame)) > 0) {
        if (into.overflowed() && !tooBigReported) {
          tooBigReported = true;
          outcome.tooBig(into.seen());
        }
      }
      if (read < 0) {
        outcome.read(into);
        return true;
      }
      return false;
    } catch (IOException e) {
      outcome.failed(e);
      return true;
    }
  }
}
