package dev.pbj;

/**
 * Where a connection kept by a client ({@code PbClient.keepConnected}) stands. It starts {@link #CONNECTING}, moves
 * between {@link #CONNECTING}, {@link #CONNECTED} and {@link #DISCONNECTED} as connections are made and lost, and
 * ends {@link #GAVE_UP} or {@link #CLOSED}; {@link #CLOSED} is the only state after {@link #GAVE_UP}, and nothing
 * follows {@link #CLOSED}.
 */
public enum ConnectionState {
  /** An attempt is under way: connecting, the opening exchange, then the login if one is configured. */
  CONNECTING,
  /** Connected (and logged in, if configured): calls go out at once. */
  CONNECTED,
  /** No connection: the last one was lost, or the last attempt failed; the next attempt is scheduled. */
  DISCONNECTED,
  /** No more attempts: the configured attempts or time ran out, or the login was refused. Terminal but for close. */
  GAVE_UP,
  /** Closed by its owner (or its client closed): no connection, no more attempts. Terminal. */
  CLOSED;

  /** Whether no attempt will ever follow: {@link #GAVE_UP} or {@link #CLOSED}. */
  public boolean isTerminal() {
    return this == GAVE_UP || this == CLOSED;
  }
}
