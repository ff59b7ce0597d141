package dev.pbj.core.internal.jelly;

import dev.pbj.core.CopyRegistry;

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

  /** PB's failure record, and nothing else. */
  CopyResolver FAILURES_ONLY = of(CopyRegistry.empty());

  /**
   * Where the state of a copy of {@code typeName} may be gathered instead of a dictionary (a registered record), or
   * null: a dictionary, built as usual.
   */
  default RecordState newRecordState(String typeName) {
    return null;
  }

  /** PB's failure record, then whatever {@code registry} knows. */
  static CopyResolver of(CopyRegistry registry) {
    return new CopyResolver() {
      @Override
      public Object build(String typeName, Object state) {
        return CopiedValue.FAILURE_TYPE.equals(typeName) ? new CopiedValue(typeName, state)
            : registry.build(typeName, state);
      }

      @Override
      public RecordState newRecordState(String typeName) {
        return CopiedValue.FAILURE_TYPE.equals(typeName) ? null : RecordShapes.newState(registry, typeName);
      }
    };
  }
}
