package dev.pbj;

/**
 * A copy whose type name the receiver has not registered, delivered as it came when the receiver opted in
 * (otherwise such a copy is refused with {@link InsecureJellyException}). Also sendable: it travels as a copy of
 * {@code typeName} with {@code state}, which lets generic clients speak any peer's types.
 *
 * <p>Its {@code equals}, {@code hashCode} and {@code toString} are bounded on shared and cyclic states.
 *
 * @param typeName the type name on the wire, e.g. {@code pbj.demo.Point}
 * @param state the state as received (usually a map)
 */
public record CopiedObject(String typeName, Object state) {
  /**
   * The same type name and equal states. Unlike a record's own {@code equals}, it takes time linear in the distinct
   * parts of the state, however often they are shared, and ends on a state that contains itself.
   */
  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof CopiedObject c && ValueEquality.equal(this, c));
  }

  /** Bounded as {@link Tuple#hashCode()} is. */
  @Override
  public int hashCode() {
    return ValueHash.of(this);
  }

  /** {@code CopiedObject[typeName=…, state=…]}, bounded as {@link Tuple#toString()} is. */
  @Override
  public String toString() {
    return ValueRepr.of(this);
  }
}
