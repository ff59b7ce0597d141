package dev.pbj;

import java.time.Duration;

/**
 * A call's deadline passed before its answer came (gRPC's {@code DEADLINE_EXCEEDED}). The call is forgotten: its
 * late answer is dropped, and a PBJ peer is told to stop working on it. Set per reference with
 * {@link RemoteReference#withDeadline(Duration)} or as a client's or server's default.
 */
public class DeadlineExceededException extends PbException {
  private final Duration deadline;

  public DeadlineExceededException(String message, Duration deadline) {
    super(message, null);
    this.deadline = deadline;
  }

  /** The deadline the call was given. */
  public Duration deadline() {
    return deadline;
  }
}
