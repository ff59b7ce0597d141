/**
 * The value types Jelly carries that JavaScript has no built-in for: Python's tuple and frozenset, decimals,
 * date and time values, unpersistable placeholders, and the keyword-argument marker of `callRemote`.
 */

/**
 * Python's `tuple`: an Array that travels as `(tuple …)` rather than `(list …)`. Build one with
 * `tuple(a, b)` or `Tuple.from(iterable)`. Derived arrays (`map`, `filter`, `slice` …) are plain Arrays.
 */
export class Tuple extends Array {
  static get [Symbol.species]() {
    return Array;
  }
}

/** A {@link Tuple} of the arguments: `tuple(1, 'a')` is Python's `(1, 'a')`. */
export function tuple(...items) {
  return Tuple.from(items);
}

const frozen = new WeakSet();

/** Python's `frozenset`: a Set that refuses changes once built, and travels as `(frozenset …)`. */
export class FrozenSet extends Set {
  constructor(items) {
    super(items);
    frozen.add(this);
  }

  add(value) {
    if (frozen.has(this)) {
      throw new TypeError('a FrozenSet cannot be changed');
    }
    return super.add(value);
  }

  delete() {
    throw new TypeError('a FrozenSet cannot be changed');
  }

  clear() {
    throw new TypeError('a FrozenSet cannot be changed');
  }
}

/**
 * Python's `decimal.Decimal`: `unscaled × 10^exponent`, as `(decimal unscaled exponent)` on the wire; `9.95` is
 * `new Decimal(995n, -2)`.
 */
export class Decimal {
  constructor(unscaled, exponent) {
    if (typeof unscaled !== 'bigint' && !Number.isSafeInteger(unscaled)) {
      throw new TypeError(`Decimal: unscaled value must be an integer, got ${unscaled}`);
    }
    if (!Number.isSafeInteger(exponent)) {
      throw new TypeError(`Decimal: exponent must be an integer, got ${exponent}`);
    }
    this.unscaled = BigInt(unscaled);
    this.exponent = exponent;
    Object.freeze(this);
  }

  toString() {
    const negative = this.unscaled < 0n;
    let digits = (negative ? -this.unscaled : this.unscaled).toString();
    if (this.exponent >= 0) {
      digits += '0'.repeat(this.exponent);
    } else {
      const point = digits.length + this.exponent;
      digits = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}`
        : `0.${'0'.repeat(-point)}${digits}`;
    }
    return negative ? `-${digits}` : digits;
  }
}

const TIME_KINDS = new Set(['datetime', 'date', 'time', 'timedelta']);

/**
 * Python's naive `datetime`, `date`, `time` and `timedelta`, kept as Jelly spells them: a kind and its decimal
 * fields (`datetime(2020, 7, 11, 1, 16, 5, 344)` is `new TimeValue('datetime', [2020, 7, 11, 1, 16, 5, 344])`).
 */
export class TimeValue {
  constructor(kind, fields) {
    if (!TIME_KINDS.has(kind)) {
      throw new TypeError(`TimeValue: kind must be one of ${[...TIME_KINDS].join(', ')}; got ${kind}`);
    }
    if (!Array.isArray(fields) || !fields.every(Number.isSafeInteger)) {
      throw new TypeError(`TimeValue: fields must be integers, got ${fields}`);
    }
    this.kind = kind;
    this.fields = Object.freeze([...fields]);
    Object.freeze(this);
  }

  toString() {
    return `${this.kind}(${this.fields.join(', ')})`;
  }
}

/** What the peer could not serialize, with its reason: Jelly's `(unpersistable "…")`. */
export class Unpersistable {
  constructor(reason) {
    this.reason = String(reason);
    Object.freeze(this);
  }

  toString() {
    return `Unpersistable(${this.reason})`;
  }
}

/** Keyword arguments for a call: the last argument of `callRemote`, made with {@link kw}. */
export class KeywordArguments {
  constructor(entries) {
    this.entries = Object.freeze(entries);
    Object.freeze(this);
  }
}

/**
 * Keyword arguments for `callRemote`, given last: `ref.callRemote('counter', kw({ start: 5 }))` is Python's
 * `ref.callRemote("counter", start=5)`. Takes a plain object or a Map with text keys.
 */
export function kw(names) {
  const entries = names instanceof Map ? [...names] : Object.entries(names ?? {});
  for (const [key] of entries) {
    if (typeof key !== 'string') {
      throw new TypeError(`keyword argument names must be strings, got ${typeof key}`);
    }
  }
  return new KeywordArguments(entries);
}
