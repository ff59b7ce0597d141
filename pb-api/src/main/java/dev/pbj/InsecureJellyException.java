package dev.pbj;

/**
 * The wire named a type or tag this side does not accept (Twisted's {@code InsecureJelly}). PBJ never builds an
 * object because the wire named its class: only types registered with the broker are built. In call arguments
 * the caller receives this as a remote error; in an answer only that call fails.
 */
public class InsecureJellyException extends PbException {
  /** The Python qualified name PB gives this error on the wire. */
  public static final String TWISTED_TYPE = "twisted.spread.jelly.InsecureJelly";
  private final String typeName;

  public InsecureJellyException(String typeName, String message) {
    super(message);
    this.typeName = typeName;
  }

  /** The tag or class name the wire carried. */
  public String typeName() {
    return typeName;
  }
}
