package dev.pbj.core.internal.jelly;

import dev.pbj.CopiedObject;

/**
 * A copy on the wire, {@code ("type.Name" state)}: what the jellier writes for a value sent by copy, and what
 * the unjellier builds for a type name its {@link CopyResolver} accepts without a Java class of its own (PB's
 * {@code CopyableFailure}).
 */
public record CopiedValue(String typeName, Object state) {
  /** The type name of PB's failure record. */
  public static final String FAILURE_TYPE = "twisted.spread.pb.CopyableFailure";

  // As CopiedObject's: bounded however the state shares or contains itself (the record's own would recurse).

  @Override
  public boolean equals(Object other) {
    return other instanceof CopiedValue that && asCopiedObject().equals(that.asCopiedObject());
  }

  @Override
  public int hashCode() {
    return asCopiedObject().hashCode();
  }

  @Override
  public String toString() {
    return asCopiedObject().toString();
  }

  private CopiedObject asCopiedObject() {
    return new CopiedObject(typeName, state);
  }
}
