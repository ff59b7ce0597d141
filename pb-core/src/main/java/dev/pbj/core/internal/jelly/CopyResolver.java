package dev.pbj.core.internal.jelly;

/**
 * Decides what a received copy {@code ("type.Name" state)} becomes. Only names the resolver knows are built;
 * nothing is ever instantiated because the wire named a class.
 */
@FunctionalInterface
public interface CopyResolver {

  /**
   * Builds the local value for a copy of {@code typeName} with {@code state}.
   *
   * @throws dev.pbj.InsecureJellyException if the name is not registered
   */
  Object build(String typeName, Object state);

  /** The PB failure record, and nothing else. */
  CopyResolver FAILURES_ONLY = (typeName, state) -> {
    if (CopiedValue.FAILURE_TYPE.equals(typeName)) {
      return new CopiedValue(typeName, state);
    }
    throw new dev.pbj.InsecureJellyException(typeName, "copy of unregistered type '" + typeName
        + "' refused: only registered types are built (register it with the broker's copy registry)");
  };
}
