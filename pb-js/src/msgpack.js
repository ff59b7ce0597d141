/**
 * PBJ's MessagePack serializer as a pure token codec, the same token interface as `banana.js`. Each message is
 * a frame: a 4-byte big-endian length, then exactly one MessagePack array. Tokens map to MessagePack as:
 * list → array, integer → int (ext type 1 holding two's complement big-endian bytes outside the 64-bit range),
 * float → float 64, bytes → bin, text → str (UTF-8), symbol → ext type 0 holding ASCII. Nil, booleans and maps
 * never occur; a decoder refuses them.
 */
import { LimitExceededError, ProtocolError } from './errors.js';
import { DEFAULT_LIMITS } from './limits.js';

const EXT_SYMBOL = 0;
const EXT_BIG_INTEGER = 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Java's BigInteger.toByteArray(): the shortest two's complement, big-endian, with room for the sign bit. */
function bigIntegerPayload(n) {
  const magnitude = n >= 0n ? n : ~n;
  const bits = magnitude.toString(2).length - (magnitude === 0n ? 1 : 0);
  const length = Math.floor(bits / 8) + 1;
  const out = new Uint8Array(length);
  let v = BigInt.asUintN(length * 8, n);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function bigIntegerFrom(payload) {
  let v = 0n;
  for (const b of payload) {
    v = (v << 8n) | BigInt(b);
  }
  return BigInt.asIntN(payload.length * 8, v);
}

function narrow(big) {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/**
 * Writes tokens as one length-prefixed MessagePack frame per message, into a buffer reused from one message to
 * the next; the smallest form of each integer, string and header, as msgpack-python and msgpack-core write
 * them. Sending limits throw {@link LimitExceededError}; the caller then {@link #reset}s.
 */
export class MsgpackEncoder {
  constructor({ limits = DEFAULT_LIMITS } = {}) {
    this.limits = limits;
    this.buffer = new Uint8Array(256);
    this.view = new DataView(this.buffer.buffer);
    this.size = 4;
  }

  beginList(length) {
    if (length > this.limits.maxListLength) {
      throw new LimitExceededError('list length', 'maxListLength', length, this.limits.maxListLength);
    }
    if (length <= 15) {
      this.#byte(0x90 | length);
    } else if (length <= 0xffff) {
      this.#byte(0xdc);
      this.#u16(length);
    } else {
      this.#byte(0xdd);
      this.#u32(length);
    }
  }

  endList() {
    // MessagePack announces an array's length up front.
  }

  integer(value) {
    if (typeof value === 'bigint') {
      if (value < INT64_MIN || value > INT64_MAX) {
        this.#ext(EXT_BIG_INTEGER, bigIntegerPayload(value));
        return;
      }
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
        value = Number(value);
      } else {
        this.#ensure(9);
        if (value >= 0n) {
          this.buffer[this.size++] = 0xcf;
          this.view.setBigUint64(this.size, value, false);
        } else {
          this.buffer[this.size++] = 0xd3;
          this.view.setBigInt64(this.size, value, false);
        }
        this.size += 8;
        return;
      }
    }
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`msgpack integer must be a safe integer or a bigint, got ${value}`);
    }
    this.#ensure(9);
    if (value >= 0) {
      if (value <= 0x7f) {
        this.buffer[this.size++] = value;
      } else if (value <= 0xff) {
        this.buffer[this.size++] = 0xcc;
        this.buffer[this.size++] = value;
      } else if (value <= 0xffff) {
        this.buffer[this.size++] = 0xcd;
        this.#u16(value);
      } else if (value <= 0xffffffff) {
        this.buffer[this.size++] = 0xce;
        this.#u32(value);
      } else {
        this.buffer[this.size++] = 0xcf;
        this.view.setBigUint64(this.size, BigInt(value), false);
        this.size += 8;
      }
    } else if (value >= -32) {
      this.buffer[this.size++] = value & 0xff;
    } else if (value >= -128) {
      this.buffer[this.size++] = 0xd0;
      this.buffer[this.size++] = value & 0xff;
    } else if (value >= -32768) {
      this.buffer[this.size++] = 0xd1;
      this.view.setInt16(this.size, value, false);
      this.size += 2;
    } else if (value >= -(2 ** 31)) {
      this.buffer[this.size++] = 0xd2;
      this.view.setInt32(this.size, value, false);
      this.size += 4;
    } else {
      this.buffer[this.size++] = 0xd3;
      this.view.setBigInt64(this.size, BigInt(value), false);
      this.size += 8;
    }
  }

  float(value) {
    this.#ensure(9);
    this.buffer[this.size++] = 0xcb;
    this.view.setFloat64(this.size, value, false);
    this.size += 8;
  }

  bytes(b) {
    this.#checkLength(b.length, 'byte string length');
    if (b.length <= 0xff) {
      this.#byte(0xc4);
      this.#byte(b.length);
    } else if (b.length <= 0xffff) {
      this.#byte(0xc5);
      this.#u16(b.length);
    } else {
      this.#byte(0xc6);
      this.#u32(b.length);
    }
    this.#raw(b);
  }

  text(value) {
    const b = utf8.encode(value);
    this.#checkLength(b.length, 'text length');
    if (b.length <= 31) {
      this.#byte(0xa0 | b.length);
    } else if (b.length <= 0xff) {
      this.#byte(0xd9);
      this.#byte(b.length);
    } else if (b.length <= 0xffff) {
      this.#byte(0xda);
      this.#u16(b.length);
    } else {
      this.#byte(0xdb);
      this.#u32(b.length);
    }
    this.#raw(b);
  }

  symbol(word) {
    const b = new Uint8Array(word.length);
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c >= 0x80) {
        throw new TypeError(`symbol is not ASCII: ${word}`);
      }
      b[i] = c;
    }
    this.#ext(EXT_SYMBOL, b);
  }

  /** The frame written since the last take or reset (length prefix included), as a new array; resets. */
  takeMessage() {
    const length = this.size - 4;
    if (length > this.limits.maxMessageLength) {
      this.reset();
      throw new LimitExceededError('message length', 'maxMessageLength', length, this.limits.maxMessageLength);
    }
    this.view.setUint32(0, length, false);
    const message = this.buffer.slice(0, this.size);
    this.reset();
    return message;
  }

  /** Forgets a partly written message. */
  reset() {
    this.size = 4;
    if (this.buffer.length > 64 * 1024) {
      this.buffer = new Uint8Array(256);
      this.view = new DataView(this.buffer.buffer);
    }
  }

  #ext(type, payload) {
    this.#checkLength(payload.length, type === EXT_SYMBOL ? 'symbol length' : 'big integer length');
    const fixed = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 }[payload.length];
    if (fixed !== undefined) {
      this.#byte(fixed);
    } else if (payload.length <= 0xff) {
      this.#byte(0xc7);
      this.#byte(payload.length);
    } else if (payload.length <= 0xffff) {
      this.#byte(0xc8);
      this.#u16(payload.length);
    } else {
      this.#byte(0xc9);
      this.#u32(payload.length);
    }
    this.#byte(type);
    this.#raw(payload);
  }

  #checkLength(length, what) {
    if (length > this.limits.maxStringLength) {
      throw new LimitExceededError(what, 'maxStringLength', length, this.limits.maxStringLength);
    }
  }

  #byte(b) {
    this.#ensure(1);
    this.buffer[this.size++] = b;
  }

  #u16(v) {
    this.#ensure(2);
    this.view.setUint16(this.size, v, false);
    this.size += 2;
  }

  #u32(v) {
    this.#ensure(4);
    this.view.setUint32(this.size, v, false);
    this.size += 4;
  }

  #raw(b) {
    this.#ensure(b.length);
    this.buffer.set(b, this.size);
    this.size += b.length;
  }

  #ensure(extra) {
    if (this.size + extra <= this.buffer.length) {
      return;
    }
    const grown = new Uint8Array(Math.max(this.size + extra, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.size));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

const HEADER = 0;
const BODY = 1;
const FAILED = 2;

/**
 * Reads length-prefixed MessagePack frames incrementally and pushes each frame's tokens into `sink`: any split
 * of the stream is accepted, one byte at a time included. The frame length is checked against
 * `maxMessageLength` from its header alone; a frame is buffered whole (it is bounded by that limit) and then
 * read, with string, list and depth limits checked as each header is read. A frame holds exactly one array; its
 * last `endList()` is pushed only once the frame is known to end there.
 *
 * Any error leaves the decoder failed: later feeds throw. The array given to `sink.bytes` is valid only during
 * that call. One decoder per connection.
 */
export class MsgpackDecoder {
  constructor({ limits = DEFAULT_LIMITS, sink }) {
    this.limits = limits;
    this.sink = sink;
    this.state = HEADER;
    this.failure = null;
    this.header = new Uint8Array(4);
    this.filled = 0;
    this.frame = null;
  }

  /** Whether the bytes fed so far end inside a frame. */
  inMessage() {
    return this.state === BODY || (this.state === HEADER && this.filled > 0);
  }

  /** Decodes `chunk` (a Uint8Array the caller keeps owning), pushing the tokens of every frame it completes. */
  feed(chunk) {
    if (this.state === FAILED) {
      throw new ProtocolError(`msgpack decoder already failed: ${this.failure.message}`, { cause: this.failure });
    }
    try {
      let pos = 0;
      while (pos < chunk.length) {
        if (this.state === HEADER) {
          while (this.filled < 4 && pos < chunk.length) {
            this.header[this.filled++] = chunk[pos++];
          }
          if (this.filled < 4) {
            return;
          }
          const length = new DataView(this.header.buffer).getUint32(0, false);
          if (length === 0) {
            throw new ProtocolError('msgpack frame of length 0: a frame holds one message');
          }
          if (length > this.limits.maxMessageLength) {
            throw new LimitExceededError('message length', 'maxMessageLength', length, this.limits.maxMessageLength);
          }
          this.filled = 0;
          if (chunk.length - pos >= length) {
            const frame = chunk.subarray(pos, pos + length);
            pos += length;
            this.#readFrame(frame);
            continue;
          }
          this.frame = new Uint8Array(length);
          this.state = BODY;
        } else {
          const n = Math.min(this.frame.length - this.filled, chunk.length - pos);
          this.frame.set(chunk.subarray(pos, pos + n), this.filled);
          this.filled += n;
          pos += n;
          if (this.filled === this.frame.length) {
            const frame = this.frame;
            this.frame = null;
            this.filled = 0;
            this.state = HEADER;
            this.#readFrame(frame);
          }
        }
      }
    } catch (e) {
      this.state = FAILED;
      this.failure = e;
      throw e;
    }
  }

  #readFrame(f) {
    const view = new DataView(f.buffer, f.byteOffset, f.length);
    const limits = this.limits;
    const sink = this.sink;
    const remaining = [];
    let p = 0;
    const need = (k) => {
      if (f.length - p < k) {
        throw new ProtocolError(`msgpack value needs ${k} more bytes, ${f.length - p} left in the frame`);
      }
    };
    const sized = (length, what) => {
      if (length > limits.maxStringLength) {
        throw new LimitExceededError(`${what} length`, 'maxStringLength', length, limits.maxStringLength);
      }
      need(length);
      const body = f.subarray(p, p + length);
      p += length;
      return body;
    };
    const u8 = () => { need(1); return f[p++]; };
    const u16 = () => { need(2); p += 2; return view.getUint16(p - 2, false); };
    const u32 = () => { need(4); p += 4; return view.getUint32(p - 4, false); };
    let first = true;
    for (;;) {
      const b = u8();
      const isArray = (b >= 0x90 && b <= 0x9f) || b === 0xdc || b === 0xdd;
      if (first && !isArray) {
        throw new ProtocolError(`a msgpack message is an array, not 0x${b.toString(16).padStart(2, '0')}`);
      }
      first = false;
      if (isArray) {
        const count = b <= 0x9f ? b & 0x0f : b === 0xdc ? u16() : u32();
        if (count > limits.maxListLength) {
          throw new LimitExceededError('list length', 'maxListLength', count, limits.maxListLength);
        }
        if (remaining.length === limits.maxDepth) {
          throw new LimitExceededError('list nesting depth', 'maxDepth', remaining.length + 1, limits.maxDepth);
        }
        if (count > f.length - p) {
          throw new ProtocolError(`msgpack array of ${count} elements in ${f.length - p} remaining bytes`);
        }
        sink.beginList(count);
        if (count > 0) {
          remaining.push(count);
          continue;
        }
        if (remaining.length === 0) {
          this.#endFrame(p, f.length);
        }
        sink.endList();
      } else if (b <= 0x7f) {
        sink.integer(b);
      } else if (b >= 0xe0) {
        sink.integer(b - 256);
      } else {
        switch (b) {
          case 0xcc: sink.integer(u8()); break;
          case 0xcd: sink.integer(u16()); break;
          case 0xce: sink.integer(u32()); break;
          case 0xcf: need(8); p += 8; sink.integer(narrow(view.getBigUint64(p - 8, false))); break;
          case 0xd0: need(1); p += 1; sink.integer(view.getInt8(p - 1)); break;
          case 0xd1: need(2); p += 2; sink.integer(view.getInt16(p - 2, false)); break;
          case 0xd2: need(4); p += 4; sink.integer(view.getInt32(p - 4, false)); break;
          case 0xd3: need(8); p += 8; sink.integer(narrow(view.getBigInt64(p - 8, false))); break;
          case 0xca: need(4); p += 4; sink.float(view.getFloat32(p - 4, false)); break;
          case 0xcb: need(8); p += 8; sink.float(view.getFloat64(p - 8, false)); break;
          case 0xc4: sink.bytes(sized(u8(), 'byte string')); break;
          case 0xc5: sink.bytes(sized(u16(), 'byte string')); break;
          case 0xc6: sink.bytes(sized(u32(), 'byte string')); break;
          case 0xd9: sink.text(this.#text(sized(u8(), 'text'))); break;
          case 0xda: sink.text(this.#text(sized(u16(), 'text'))); break;
          case 0xdb: sink.text(this.#text(sized(u32(), 'text'))); break;
          case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
            this.#ext(1 << (b - 0xd4), u8, sized);
            break;
          case 0xc7: this.#ext(u8(), u8, sized); break;
          case 0xc8: this.#ext(u16(), u8, sized); break;
          case 0xc9: this.#ext(u32(), u8, sized); break;
          default:
            if (b >= 0xa0 && b <= 0xbf) {
              sink.text(this.#text(sized(b & 0x1f, 'text')));
              break;
            }
            throw new ProtocolError(`msgpack type 0x${b.toString(16)} (nil, boolean, map or unused) is not a PB token`);
        }
      }
      // one element done: close every array it completes
      while (remaining.length > 0) {
        if (--remaining[remaining.length - 1] > 0) {
          break;
        }
        remaining.pop();
        if (remaining.length === 0) {
          this.#endFrame(p, f.length);
        }
        sink.endList();
      }
      if (remaining.length === 0) {
        return;
      }
    }
  }

  #endFrame(p, length) {
    if (p !== length) {
      throw new ProtocolError(`${length - p} bytes after the message in a msgpack frame`);
    }
  }

  #text(b) {
    try {
      return strictUtf8.decode(b);
    } catch {
      throw new ProtocolError('msgpack str that is not UTF-8');
    }
  }

  #ext(length, u8, sized) {
    const type = (u8() << 24) >> 24;
    if (type !== EXT_SYMBOL && type !== EXT_BIG_INTEGER) {
      throw new ProtocolError(`msgpack ext type ${type} is not a PB token (0: symbol, 1: big integer)`);
    }
    const payload = sized(length, type === EXT_SYMBOL ? 'symbol' : 'big integer');
    if (type === EXT_SYMBOL) {
      let word = '';
      for (const c of payload) {
        if (c >= 0x80) {
          throw new ProtocolError('msgpack symbol that is not ASCII');
        }
        word += String.fromCharCode(c);
      }
      this.sink.symbol(word);
    } else {
      if (payload.length === 0) {
        throw new ProtocolError('msgpack big integer with an empty payload');
      }
      this.sink.integer(narrow(bigIntegerFrom(payload)));
    }
  }
}
