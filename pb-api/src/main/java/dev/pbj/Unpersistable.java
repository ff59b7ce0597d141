package dev.pbj;

/**
 * What the peer sent in place of a value it could not serialize (Jelly's {@code (unpersistable "reason")});
 * Twisted sends it for objects whose class its security options do not allow.
 *
 * @param reason the peer's explanation
 */
public record Unpersistable(String reason) {
}
