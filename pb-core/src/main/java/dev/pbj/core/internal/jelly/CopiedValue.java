package dev.pbj.core.internal.jelly;

/**
 * A copy on the wire, {@code ("type.Name" state)}: what the jellier writes for a value sent by copy, and what
 * the unjellier builds for a type name its {@link CopyResolver} accepts without a Java class of its own (PB's
 * {@code CopyableFailure}).
 */
public record CopiedValue(String typeName, Object state) {
  /** The type name of PB's failure record. */
  public static final String FAILURE_TYPE = "twisted.spread.pb.CopyableFailure";
}
