/**
 * Banana, Twisted's wire format, as a pure token codec: {@link BananaEncoder} is a token sink that writes bytes,
 * {@link BananaDecoder} reads bytes and pushes tokens into a sink. Byte for byte what Twisted's
 * `Banana._encode` writes, with the `pb` dialect's vocabulary; no sockets, no objects.
 *
 * The token sink both sides share (see `index.d.ts`, `TokenSink`): `beginList(n)`, then exactly n elements,
 * then `endList()`; `integer(v)` (a safe-integer number or a bigint), `float(v)`, `bytes(u8)`, `text(s)`,
 * `symbol(word)`.
 */
import { LimitExceededError, ProtocolError } from './errors.js';
import { DEFAULT_LIMITS } from './limits.js';

const LIST = 0x80;
const INT = 0x81;
const STRING = 0x82;
const NEG = 0x83;
const FLOAT = 0x84;
const LONGINT = 0x85;
const LONGNEG = 0x86;
const VOCAB = 0x87;

/** The `pb` dialect's words; a word's index is its VOCAB number. */
export const VOCABULARY = Object.freeze([
  null, 'None', 'class', 'dereference', 'reference', 'dictionary', 'function', 'instance', 'list', 'module',
  'persistent', 'tuple', 'unpersistable', 'copy', 'cache', 'cached', 'remote', 'local', 'lcache', 'version',
  'login', 'password', 'challenge', 'logged_in', 'not_logged_in', 'cachemessage', 'message', 'answer', 'error',
  'decref', 'decache', 'uncache',
]);
const WORD_INDEX = new Map(VOCABULARY.map((word, i) => [word, i]).filter(([word]) => word !== null));
const MAX_WORD_LENGTH = Math.max(...[...WORD_INDEX.keys()].map((w) => w.length));
const UNICODE = new TextEncoder().encode('unicode');
const utf8 = new TextEncoder();
const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);
const EMPTY = new Uint8Array(0);

function checkDialect(dialect) {
  if (dialect !== 'pb' && dialect !== 'none') {
    throw new TypeError(`unknown banana dialect '${dialect}' (known: pb, none)`);
  }
  return dialect;
}

/** The vocabulary index of the bytes `b`, or 0. */
function wordIndexOfBytes(b) {
  if (b.length === 0 || b.length > MAX_WORD_LENGTH) {
    return 0;
  }
  let word = '';
  for (let i = 0; i < b.length; i++) {
    if (b[i] >= 0x80) {
      return 0;
    }
    word += String.fromCharCode(b[i]);
  }
  return WORD_INDEX.get(word) ?? 0;
}

/**
 * Writes tokens as banana into a growable buffer reused from one message to the next. In dialect `pb` every
 * byte string equal to a vocabulary word (a symbol, bytes, or the UTF-8 of a text) is written as its VOCAB
 * token, as Twisted does. Text is written as Jelly's `(unicode <utf-8>)`. Sending limits (string and list
 * lengths, integer prefix length) throw {@link LimitExceededError}; the caller then {@link #reset}s.
 */
export class BananaEncoder {
  constructor({ dialect = 'pb', limits = DEFAULT_LIMITS } = {}) {
    this.dialect = checkDialect(dialect);
    this.limits = limits;
    this.buffer = new Uint8Array(256);
    this.size = 0;
  }

  beginList(length) {
    if (length > this.limits.maxListLength) {
      throw new LimitExceededError('list length', 'maxListLength', length, this.limits.maxListLength);
    }
    this.#header(length, LIST);
  }

  endList() {
    // Banana announces a list's length up front and has no end marker.
  }

  integer(value) {
    if (typeof value === 'bigint') {
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
        value = Number(value);
      } else {
        this.#bigInteger(value);
        return;
      }
    }
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`banana integer must be a safe integer or a bigint, got ${value}`);
    }
    const magnitude = Math.abs(value);
    this.#checkDigits(digitCount(magnitude));
    if (value >= 0) {
      this.#header(magnitude, value <= INT_MAX ? INT : LONGINT);
    } else {
      this.#header(magnitude, value >= INT_MIN ? NEG : LONGNEG);
    }
  }

  #bigInteger(value) {
    let magnitude = value < 0n ? -value : value;
    const digits = [];
    do {
      digits.push(Number(magnitude & 0x7fn));
      magnitude >>= 7n;
    } while (magnitude !== 0n);
    this.#checkDigits(digits.length);
    this.#ensure(digits.length + 1);
    for (const d of digits) {
      this.buffer[this.size++] = d;
    }
    this.buffer[this.size++] = value < 0n ? LONGNEG : LONGINT;
  }

  float(value) {
    this.#ensure(9);
    this.buffer[this.size++] = FLOAT;
    new DataView(this.buffer.buffer, this.buffer.byteOffset + this.size, 8).setFloat64(0, value, false);
    this.size += 8;
  }

  bytes(b) {
    if (this.dialect === 'pb') {
      const index = wordIndexOfBytes(b);
      if (index !== 0) {
        this.#header(index, VOCAB);
        return;
      }
    }
    this.#string(b);
  }

  text(value) {
    this.#header(2, LIST);
    this.#string(UNICODE);
    const index = this.dialect === 'pb' ? WORD_INDEX.get(value) ?? 0 : 0;
    if (index !== 0) {
      this.#header(index, VOCAB);
      return;
    }
    this.#string(utf8.encode(value));
  }

  symbol(word) {
    const index = this.dialect === 'pb' ? WORD_INDEX.get(word) ?? 0 : 0;
    if (index !== 0) {
      this.#header(index, VOCAB);
      return;
    }
    const b = new Uint8Array(word.length);
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c > 0xff) {
        throw new TypeError(`symbol is not Latin-1: ${word}`);
      }
      b[i] = c;
    }
    this.#string(b);
  }

  /** The bytes written since the last take or reset, as a new array the caller owns; resets. */
  takeMessage() {
    const message = this.buffer.slice(0, this.size);
    this.reset();
    return message;
  }

  /** Forgets a partly written message. */
  reset() {
    this.size = 0;
    if (this.buffer.length > 64 * 1024) {
      this.buffer = new Uint8Array(256);
    }
  }

  #string(b) {
    if (b.length > this.limits.maxStringLength) {
      throw new LimitExceededError('byte string length', 'maxStringLength', b.length, this.limits.maxStringLength);
    }
    this.#header(b.length, STRING);
    this.#ensure(b.length);
    this.buffer.set(b, this.size);
    this.size += b.length;
  }

  #checkDigits(digits) {
    if (digits > this.limits.maxPrefixLength) {
      throw new LimitExceededError('integer prefix length', 'maxPrefixLength', digits, this.limits.maxPrefixLength);
    }
  }

  /** Writes `prefix` (a non-negative safe integer) in base 128, least significant digit first, then `type`. */
  #header(prefix, type) {
    this.#ensure(9);
    do {
      this.buffer[this.size++] = prefix % 128;
      prefix = Math.floor(prefix / 128);
    } while (prefix !== 0);
    this.buffer[this.size++] = type;
  }

  #ensure(extra) {
    if (this.size + extra <= this.buffer.length) {
      return;
    }
    const grown = new Uint8Array(Math.max(this.size + extra, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.size));
    this.buffer = grown;
  }
}

function digitCount(magnitude) {
  let digits = 1;
  while (magnitude >= 128) {
    magnitude = Math.floor(magnitude / 128);
    digits++;
  }
  return digits;
}

const PREFIX = 0;
const STRING_BODY = 1;
const FLOAT_BODY = 2;
const FAILED = 3;
/** Prefix digits kept in a number: 7 digits are 49 bits, exact in a double. */
const NUMBER_DIGITS = 7;

/**
 * Reads banana incrementally and pushes tokens into `sink`: a state machine over "need more bytes" that
 * accepts any split of the stream, one byte at a time included, without recursion. A LIST becomes
 * `beginList(n)` and the decoder itself calls `endList()` when the list's last element completes; VOCAB
 * becomes `symbol(word)`; a STRING is always `bytes`, even when it spells a word. Integers arrive as numbers
 * when they are safe integers, else as bigints.
 *
 * Limits are checked as soon as a prefix is read, before any body is buffered. Any error (a
 * {@link ProtocolError}, a {@link LimitExceededError}, or one the sink throws) leaves the decoder failed: later
 * feeds throw. The array given to `sink.bytes` is valid only during that call (it may be a view of the fed
 * chunk or of the decoder's own buffer): a sink that keeps the bytes copies them. One decoder per connection.
 */
export class BananaDecoder {
  constructor({ dialect = 'pb', limits = DEFAULT_LIMITS, sink }) {
    this.dialect = checkDialect(dialect);
    this.limits = limits;
    this.sink = sink;
    this.state = PREFIX;
    this.failure = null;
    this.prefixLength = 0;
    this.prefixValue = 0;
    this.highDigits = null;
    this.body = EMPTY;
    this.bodyLength = 0;
    this.bodyFilled = 0;
    this.remaining = [];
  }

  /** Whether the bytes fed so far end inside an expression. */
  inMessage() {
    return this.remaining.length > 0 || this.prefixLength > 0 || this.state === STRING_BODY
      || this.state === FLOAT_BODY;
  }

  /** Decodes `chunk` (a Uint8Array the caller keeps owning), pushing every token it completes. */
  feed(chunk) {
    if (this.state === FAILED) {
      throw new ProtocolError(`banana decoder already failed: ${this.failure.message}`, { cause: this.failure });
    }
    try {
      let pos = 0;
      const end = chunk.length;
      while (pos < end) {
        if (this.state === PREFIX) {
          const b = chunk[pos++];
          if (b < 0x80) {
            this.#digit(b);
          } else {
            this.#typeByte(b);
          }
        } else if (this.state === STRING_BODY) {
          pos = this.#stringBody(chunk, pos, end);
        } else {
          pos = this.#floatBody(chunk, pos, end);
        }
      }
    } catch (e) {
      this.state = FAILED;
      this.failure = e;
      throw e;
    }
  }

  #digit(digit) {
    if (this.prefixLength === this.limits.maxPrefixLength) {
      throw new LimitExceededError('prefix length', 'maxPrefixLength', this.prefixLength + 1,
        this.limits.maxPrefixLength);
    }
    if (this.prefixLength < NUMBER_DIGITS) {
      this.prefixValue += digit * 2 ** (7 * this.prefixLength);
    } else {
      (this.highDigits ??= []).push(digit);
    }
    this.prefixLength++;
  }

  #typeByte(type) {
    switch (type) {
      case LIST:
        this.#beginList();
        break;
      case INT:
      case LONGINT:
        this.#integer(false);
        break;
      case NEG:
      case LONGNEG:
        this.#integer(true);
        break;
      case STRING:
        this.#beginString();
        break;
      case FLOAT:
        // Twisted writes no prefix for a float and ignores one it receives.
        this.#clearPrefix();
        this.body = new Uint8Array(8);
        this.bodyFilled = 0;
        this.state = FLOAT_BODY;
        break;
      case VOCAB:
        this.#vocab();
        break;
      default:
        throw new ProtocolError(`unknown banana type byte 0x${type.toString(16).padStart(2, '0')}`);
    }
  }

  /** The prefix as a count or length; a value needing more than 7 digits reads as Infinity. */
  #lengthPrefix() {
    const high = this.highDigits !== null && this.highDigits.some((d) => d !== 0);
    const value = high ? Infinity : this.prefixValue;
    this.#clearPrefix();
    return value;
  }

  #clearPrefix() {
    this.prefixLength = 0;
    this.prefixValue = 0;
    this.highDigits = null;
  }

  #beginList() {
    const length = this.#lengthPrefix();
    if (length > this.limits.maxListLength) {
      throw new LimitExceededError('list length', 'maxListLength', length, this.limits.maxListLength);
    }
    if (this.remaining.length === this.limits.maxDepth) {
      throw new LimitExceededError('list nesting depth', 'maxDepth', this.remaining.length + 1,
        this.limits.maxDepth);
    }
    this.sink.beginList(length);
    if (length === 0) {
      this.sink.endList();
      this.#elementDone();
      return;
    }
    this.remaining.push(length);
  }

  #integer(negative) {
    let value;
    if (this.highDigits === null) {
      value = this.prefixValue;
    } else {
      let big = 0n;
      for (let i = this.highDigits.length - 1; i >= 0; i--) {
        big = (big << 7n) | BigInt(this.highDigits[i]);
      }
      big = (big << BigInt(7 * NUMBER_DIGITS)) | BigInt(this.prefixValue);
      value = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    this.#clearPrefix();
    if (negative) {
      value = value === 0 ? 0 : -value;
    }
    this.sink.integer(value);
    this.#elementDone();
  }

  #beginString() {
    const length = this.#lengthPrefix();
    if (length > this.limits.maxStringLength) {
      throw new LimitExceededError('string length', 'maxStringLength', length, this.limits.maxStringLength);
    }
    if (length === 0) {
      this.sink.bytes(EMPTY);
      this.#elementDone();
      return;
    }
    this.bodyLength = length;
    this.bodyFilled = 0;
    this.state = STRING_BODY;
  }

  #stringBody(chunk, pos, end) {
    const available = end - pos;
    if (this.bodyFilled === 0 && available >= this.bodyLength) {
      this.state = PREFIX;
      this.sink.bytes(chunk.subarray(pos, pos + this.bodyLength));
      this.#elementDone();
      return pos + this.bodyLength;
    }
    const n = Math.min(this.bodyLength - this.bodyFilled, available);
    if (this.body.length < this.bodyFilled + n) {
      // Grow with what arrives, not with what the header announces, so a header alone claims no memory.
      const grown = new Uint8Array(Math.min(this.bodyLength, Math.max(this.bodyFilled + n, 2 * this.body.length)));
      grown.set(this.body.subarray(0, this.bodyFilled));
      this.body = grown;
    }
    this.body.set(chunk.subarray(pos, pos + n), this.bodyFilled);
    this.bodyFilled += n;
    if (this.bodyFilled === this.bodyLength) {
      this.state = PREFIX;
      const body = this.body.subarray(0, this.bodyLength);
      if (this.body.length > 64 * 1024) {
        this.body = EMPTY;
      }
      this.sink.bytes(body);
      this.#elementDone();
    }
    return pos + n;
  }

  #floatBody(chunk, pos, end) {
    while (this.bodyFilled < 8 && pos < end) {
      this.body[this.bodyFilled++] = chunk[pos++];
    }
    if (this.bodyFilled === 8) {
      this.state = PREFIX;
      const value = new DataView(this.body.buffer, this.body.byteOffset, 8).getFloat64(0, false);
      this.body = EMPTY;
      this.sink.float(value);
      this.#elementDone();
    }
    return pos;
  }

  #vocab() {
    const index = this.#lengthPrefix();
    if (this.dialect !== 'pb') {
      throw new ProtocolError(`banana VOCAB token (index ${index}) in dialect "${this.dialect}"; the vocabulary `
        + 'exists only in dialect "pb"');
    }
    const word = Number.isInteger(index) && index > 0 && index < VOCABULARY.length ? VOCABULARY[index] : null;
    if (word === null) {
      throw new ProtocolError(`unknown banana vocabulary index ${index} (valid: 1 to ${VOCABULARY.length - 1})`);
    }
    this.sink.symbol(word);
    this.#elementDone();
  }

  /** Counts one finished element against the innermost open list, closing every list it completes. */
  #elementDone() {
    const remaining = this.remaining;
    while (remaining.length > 0) {
      if (--remaining[remaining.length - 1] > 0) {
        return;
      }
      remaining.pop();
      this.sink.endList();
    }
  }
}
