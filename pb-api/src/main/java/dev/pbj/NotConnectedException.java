package dev.pbj;

/**
 * A call through a kept connection ({@code PbClient.keepConnected}) found no connection and was never sent, so
 * making it again is safe: it was made while disconnected with {@link Reconnect.WhileDisconnected#FAIL_FAST}, or it
 * was waiting ({@link Reconnect.WhileDisconnected#WAIT}) when the kept connection gave up or was closed. The cause,
 * if any, is the last connection failure. A call already sent when its connection dropped fails with a plain
 * {@link ConnectionLostException} instead: it may have run.
 */
public class NotConnectedException extends ConnectionLostException {
  public NotConnectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
