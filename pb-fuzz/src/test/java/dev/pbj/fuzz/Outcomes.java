package dev.pbj.fuzz;

import dev.pbj.PbException;

/**
 * The typed-failure invariant shared by the targets: a hostile input may be refused, but only with one of the
 * exceptions PBJ documents for the case, so that a caller can tell a peer's fault from a bug. Anything else (an
 * {@link ArrayIndexOutOfBoundsException}, a {@link StackOverflowError}, an {@link OutOfMemoryError} …) reaches
 * Jazzer as a finding, wrapped so its report names the rule that was broken.
 */
public final class Outcomes {
  private Outcomes() {}

  /**
   * Returns normally if {@code failure} is an instance of one of {@code allowed}; otherwise throws an
   * {@link AssertionError} whose cause is {@code failure}.
   */
  @SafeVarargs
  public static void requireTyped(Throwable failure, Class<? extends PbException>... allowed) {
    for (Class<? extends PbException> type : allowed) {
      if (type.isInstance(failure)) {
        return;
      }
    }
    throw new AssertionError("untyped failure (expected one of PBJ's exceptions): " + failure, failure);
  }

  /** Fails with {@code message} unless {@code condition} holds. */
  public static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
