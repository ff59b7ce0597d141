package dev.pbj;

import java.time.Duration;
import java.util.Objects;

/**
 * One state change of a kept connection ({@code PbClient.keepConnected}), as its listeners hear it:
 *
 * <ul>
 *   <li>{@link ConnectionState#CONNECTING}: attempt {@code attempt} (1 for the first after a success or the start)
 *       began;
 *   <li>{@link ConnectionState#CONNECTED}: attempt {@code attempt} succeeded; {@code broker} is the new connection;
 *   <li>{@link ConnectionState#DISCONNECTED}: the connection {@code broker} was lost ({@code attempt} 0), or attempt
 *       {@code attempt} failed ({@code broker} null); {@code cause} says why, and the next attempt starts after
 *       {@code retryDelay};
 *   <li>{@link ConnectionState#GAVE_UP}: no attempt follows; {@code attempt} attempts failed in a row, the last
 *       because of {@code cause};
 *   <li>{@link ConnectionState#CLOSED}: closed by its owner.
 * </ul>
 *
 * @param state the state entered
 * @param attempt the attempt this event is about, counted from 1 since the last success; 0 when none is
 * @param broker the connection made ({@code CONNECTED}) or lost ({@code DISCONNECTED}); null otherwise
 * @param cause why the connection was lost or the attempt failed ({@code DISCONNECTED}, {@code GAVE_UP}); null
 *     otherwise
 * @param retryDelay how long until the next attempt ({@code DISCONNECTED}); null otherwise
 */
public record ConnectionEvent(ConnectionState state, int attempt, Broker broker, Throwable cause,
    Duration retryDelay) {
  public ConnectionEvent {
    Objects.requireNonNull(state, "state");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative: " + attempt);
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(state.name());
    if (attempt > 0) {
      s.append(" attempt ").append(attempt);
    }
    if (broker != null) {
      s.append(' ').append(broker.remoteAddress());
    }
    if (cause != null) {
      s.append(": ").append(cause);
    }
    if (retryDelay != null) {
      s.append(", next attempt in ").append(retryDelay.toMillis()).append(" ms");
    }
    return s.toString();
  }
}
