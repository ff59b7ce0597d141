package dev.pbj;

/**
 * A copy whose type name the receiver has not registered, delivered as it came when the receiver opted in
 * (otherwise such a copy is refused with {@link InsecureJellyException}). Also sendable: it travels as a copy of
 * {@code typeName} with {@code state}, which lets generic clients speak any peer's types.
 *
 * @param typeName the type name on the wire, e.g. {@code pbj.demo.Point}
 * @param state the state as received (usually a map)
 */
public record CopiedObject(String typeName, Object state) {
}
