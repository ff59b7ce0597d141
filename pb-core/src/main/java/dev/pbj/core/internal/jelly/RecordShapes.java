package dev.pbj.core.internal.jelly;

import dev.pbj.core.CopyRegistry;
import java.util.function.BiFunction;

/**
 * The unjellier's way to a {@link CopyRegistry}'s record shapes, which the registry keeps to itself: it installs the
 * lookup once, when its class initializes, so that its public methods name no internal type.
 */
public final class RecordShapes {
  private static volatile BiFunction<CopyRegistry, String, RecordShape> lookup;

  private RecordShapes() {}

  /** Called by {@link CopyRegistry} alone, once; a second call is refused. */
  public static synchronized void install(BiFunction<CopyRegistry, String, RecordShape> registryLookup) {
    if (lookup != null) {
      throw new IllegalStateException("the record shape lookup is installed already");
    }
    lookup = registryLookup;
  }

  /** A fresh state for a copy of {@code typeName} when {@code registry} has it as a record, else null. */
  static RecordState newState(CopyRegistry registry, String typeName) {
    RecordShape shape = lookup.apply(registry, typeName);
    return shape == null ? null : shape.newState();
  }
}
