package dev.pbj;

/**
 * A value exceeded one of the configured {@link Limits}. Names the limit, the value seen and the maximum, so the
 * message says which setting to change. On receipt the connection is closed; on send only the call fails.
 */
public class LimitExceededException extends ProtocolException {
  private final String limitName;
  private final long value;
  private final long maximum;

  public LimitExceededException(String what, String limitName, long value, long maximum) {
    super(what + " (" + value + ") exceeds the maximum allowed (" + maximum + ", from Limits." + limitName + ")");
    this.limitName = limitName;
    this.value = value;
    this.maximum = maximum;
  }

  /** The name of the {@link Limits} setting, e.g. {@code maxStringLength}. */
  public String limitName() {
    return limitName;
  }

  public long value() {
    return value;
  }

  public long maximum() {
    return maximum;
  }
}
