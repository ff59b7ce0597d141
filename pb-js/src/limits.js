/**
 * The limits of one connection. Defaults are Twisted's own where Twisted has one (so a PBJ peer accepts what
 * Twisted accepts and refuses what it refuses) and PBJ's where it has none; the names are those of Java's
 * `dev.pbj.Limits`, which errors quote.
 */
export const DEFAULT_LIMITS = Object.freeze({
  /** Banana prefix bytes before a type byte (64: integers below 2^448). */
  maxPrefixLength: 64,
  /** Bytes in one byte string or text (655,360); checked when the length is read. */
  maxStringLength: 640 * 1024,
  /** Elements in one list (655,360); checked when the count is read. */
  maxListLength: 640 * 1024,
  /** Nesting of lists inside one message (1000). */
  maxDepth: 1000,
  /** Objects this side exports to one peer at a time (Twisted's MAX_BROKER_REFS, 1024). */
  maxLocalObjects: 1024,
  /** Bytes in one framed message: a WebSocket frame, a length-prefixed MessagePack message (16 MiB). */
  maxMessageLength: 16 * 1024 * 1024,
});

/** The defaults with `overrides` applied: a frozen object; an unknown name or a non-positive value throws. */
export function makeLimits(overrides) {
  if (overrides == null) {
    return DEFAULT_LIMITS;
  }
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in DEFAULT_LIMITS)) {
      throw new TypeError(`unknown limit '${name}' (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    }
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`limits.${name}: ${value} (expected a positive integer)`);
    }
    limits[name] = value;
  }
  return Object.freeze(limits);
}
