/**
 * Jelly's reading half: a token sink that builds JavaScript values from PB's s-expression vocabulary as the tokens
 * arrive. It reaches a connection's tables only through an importer (receiving references and caches);
 * {@link NO_IMPORTS} stands in where there is no connection. The writing half is `jellier.js`.
 */
import { ProtocolError } from './errors.js';
import { Decimal, FrozenSet, TimeValue, Tuple, Unpersistable } from './values.js';

const ascii = new TextEncoder();
const utf8 = new TextDecoder();
const addToSet = Set.prototype.add;

/** For unjellying without a connection: references and caches are refused. */
export const NO_IMPORTS = Object.freeze({
  importRemote(luid) {
    throw new ProtocolError(`(remote ${luid}) received without a connection`);
  },
  resolveLocal(id) {
    throw new ProtocolError(`(local ${id}) received without a connection`);
  },
  importCache(typeName) {
    throw new ProtocolError(`cache ${typeName} received without a connection`);
  },
  cached(luid) {
    throw new ProtocolError(`(cached ${luid}) received without a connection`);
  },
  resolveLocalCache(luid) {
    throw new ProtocolError(`(lcache ${luid}) received without a connection`);
  },
});

function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const K = Object.freeze({
  PENDING_TAG: 0, PAIR: 1, NONE: 2, BOOLEAN: 3, UNICODE: 4, LIST: 5, TUPLE: 6, DICTIONARY: 7, SET: 8,
  FROZENSET: 9, REFERENCE: 10, DEREFERENCE: 11, DECIMAL: 12, TIME: 13, UNPERSISTABLE: 14, REMOTE: 15, LOCAL: 16,
  CACHED: 17, LCACHE: 18, COPY: 19,
});

const TAGS = new Map([
  ['None', K.NONE], ['boolean', K.BOOLEAN], ['unicode', K.UNICODE], ['list', K.LIST], ['tuple', K.TUPLE],
  ['dictionary', K.DICTIONARY], ['set', K.SET], ['frozenset', K.FROZENSET], ['reference', K.REFERENCE],
  ['dereference', K.DEREFERENCE], ['decimal', K.DECIMAL], ['datetime', K.TIME], ['date', K.TIME],
  ['time', K.TIME], ['timedelta', K.TIME], ['unpersistable', K.UNPERSISTABLE], ['remote', K.REMOTE],
  ['local', K.LOCAL], ['cached', K.CACHED], ['lcache', K.LCACHE],
]);
const KIND_NAMES = Object.fromEntries(Object.entries(K).map(([name, kind]) => [kind, name.toLowerCase()]));

function latin1(b) {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    s += String.fromCharCode(b[i]);
  }
  return s;
}

/** One open list. */
class Frame {
  constructor(length) {
    this.kind = K.PENDING_TAG;
    this.length = length;
    /** Elements received after the tag. */
    this.index = 0;
    this.container = null;
    this.pairs = null;
    this.allText = true;
    this.key = undefined;
    this.value = undefined;
    this.number = 0;
    this.registered = false;
    this.tag = null;
  }
}

/**
 * Builds JavaScript values from Jelly tokens as they arrive: a stack of frames, one per open list, each knowing
 * what its tag makes of the elements that follow. {@link #reset} starts a new reference scope. Containers are
 * made when their tag arrives, so a `(dereference N)` inside the container's own `(reference N …)` finds it and
 * cycles close on the very object. Anything the tags do not describe is refused with {@link ProtocolError};
 * copies and caches of unregistered types with {@link InsecureJellyError}.
 */
export class Unjellier {
  constructor({ importer = NO_IMPORTS, registry }) {
    this.importer = importer;
    this.registry = registry;
    this.stack = [];
    this.references = new Map();
    this.result = undefined;
    this.hasResult = false;
  }

  /** Forgets any partial value and the reference scope. */
  reset() {
    this.stack.length = 0;
    this.references.clear();
    this.result = undefined;
    this.hasResult = false;
  }

  /** The value read; resets the scope. */
  takeResult() {
    if (!this.hasResult) {
      throw new Error('no complete value');
    }
    const value = this.result;
    this.reset();
    return value;
  }

  beginList(length) {
    const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1] : null;
    const frame = new Frame(length);
    if (parent !== null && parent.kind === K.DICTIONARY) {
      frame.kind = K.PAIR;
    }
    this.stack.push(frame);
  }

  endList() {
    const frame = this.stack[this.stack.length - 1];
    if (frame.kind === K.PENDING_TAG) {
      throw new ProtocolError('a Jelly list must start with a tag: got an empty list');
    }
    if (frame.kind === K.PAIR) {
      if (frame.index !== 2) {
        throw new ProtocolError(`a dictionary item must be a (key value) pair: got ${frame.index} elements`);
      }
      const dict = this.stack[this.stack.length - 2];
      dict.pairs.push([frame.key, frame.value]);
      if (typeof frame.key !== 'string') {
        dict.allText = false;
      }
      this.stack.pop();
      return;
    }
    const value = this.#finish(frame);
    this.stack.pop();
    this.#deliver(value);
  }

  integer(value) {
    this.#atom(value);
  }

  float(value) {
    this.#atom(value);
  }

  bytes(b) {
    const frame = this.stack.length > 0 ? this.stack[this.stack.length - 1] : null;
    if (frame !== null) {
      if (frame.kind === K.PENDING_TAG) {
        this.#setTag(frame, utf8.decode(b));
        return;
      }
      if (frame.kind === K.UNICODE) {
        this.#accept(frame, utf8.decode(b));
        return;
      }
    }
    this.#deliver(b.slice());
  }

  text(value) {
    this.#atom(value);
  }

  symbol(word) {
    const frame = this.stack.length > 0 ? this.stack[this.stack.length - 1] : null;
    if (frame !== null) {
      if (frame.kind === K.PENDING_TAG) {
        this.#setTag(frame, word);
        return;
      }
      if (frame.kind === K.UNICODE) {
        this.#accept(frame, word);
        return;
      }
    }
    this.#deliver(ascii.encode(word));
  }

  #atom(value) {
    if (this.stack.length > 0 && this.stack[this.stack.length - 1].kind === K.PENDING_TAG) {
      throw new ProtocolError(`a Jelly list must start with a tag: got ${value}`);
    }
    this.#deliver(value);
  }

  #deliver(value) {
    if (this.stack.length === 0) {
      this.result = value;
      this.hasResult = true;
    } else {
      this.#accept(this.stack[this.stack.length - 1], value);
    }
  }

  #setTag(frame, tag) {
    const kind = TAGS.get(tag);
    frame.index = 0;
    if (kind === undefined) {
      frame.kind = K.COPY;
      frame.tag = tag;
      return;
    }
    frame.kind = kind;
    frame.tag = tag;
    switch (kind) {
      case K.LIST:
        frame.container = [];
        break;
      case K.TUPLE:
        frame.container = new Tuple();
        break;
      case K.DICTIONARY:
        frame.container = {};
        frame.pairs = [];
        break;
      case K.SET:
        frame.container = new Set();
        break;
      case K.FROZENSET:
        frame.container = new FrozenSet();
        break;
      default:
        return;
    }
    // a container made inside (reference N …) is known as N from now on, before it is complete
    if (this.stack.length >= 2) {
      const parent = this.stack[this.stack.length - 2];
      if (parent.kind === K.REFERENCE && parent.index === 1 && !parent.registered) {
        this.#define(parent.number, frame.container);
        parent.registered = true;
        frame.registered = true;
      }
    }
  }

  #define(number, value) {
    if (this.references.has(number)) {
      throw new ProtocolError(`reference ${number} defined twice in one value`);
    }
    this.references.set(number, value);
  }

  #accept(frame, element) {
    const i = frame.index++;
    switch (frame.kind) {
      case K.PAIR:
        if (i === 0) frame.key = element;
        else if (i === 1) frame.value = element;
        return;
      case K.LIST:
      case K.TUPLE:
        frame.container.push(element);
        return;
      case K.SET:
      case K.FROZENSET:
        addToSet.call(frame.container, element);
        return;
      case K.DICTIONARY:
        throw new ProtocolError(`a dictionary item must be a (key value) list: got ${describe(element)}`);
      case K.REFERENCE:
        if (i === 0) {
          frame.number = asInteger(element, 'reference number');
        } else if (i === 1) {
          if (!frame.registered) {
            this.#define(frame.number, element);
            frame.registered = true;
          }
          frame.value = element;
        }
        return;
      case K.DEREFERENCE:
        if (i === 0) {
          const number = asInteger(element, 'dereference number');
          if (!this.references.has(number)) {
            throw new ProtocolError(`(dereference ${number}) names no reference defined before it`);
          }
          frame.value = this.references.get(number);
        }
        return;
      case K.REMOTE:
        if (i === 0) frame.value = this.importer.importRemote(asInteger(element, 'remote object id'));
        return;
      case K.LOCAL:
        if (i === 0) {
          const id = element instanceof Uint8Array ? utf8.decode(element) : element;
          if (typeof id !== 'string' && typeof id !== 'number') {
            throw new ProtocolError(`(local id) needs an integer or a name: got ${describe(element)}`);
          }
          frame.value = this.importer.resolveLocal(id);
        }
        return;
      case K.CACHED:
        if (i === 0) frame.value = this.importer.cached(asInteger(element, 'cache id'));
        return;
      case K.LCACHE:
        if (i === 0) frame.value = this.importer.resolveLocalCache(asInteger(element, 'cache id'));
        return;
      case K.DECIMAL:
      case K.COPY:
        if (i === 0) frame.value = element;
        else if (i === 1) frame.key = element;
        return;
      default:
        // NONE, BOOLEAN, UNICODE, TIME, UNPERSISTABLE take their first element as it is
        if (i === 0) frame.value = element;
    }
  }

  #finish(frame) {
    switch (frame.kind) {
      case K.NONE:
        expect(frame, 0);
        return null;
      case K.BOOLEAN: {
        expect(frame, 1);
        const word = frame.value instanceof Uint8Array ? latin1(frame.value) : null;
        if (word === 'true' || word === 'false') {
          return word === 'true';
        }
        throw new ProtocolError(`(boolean x) needs "true" or "false": got ${describe(frame.value)}`);
      }
      case K.UNICODE:
        expect(frame, 1);
        if (typeof frame.value !== 'string') {
          throw new ProtocolError(`(unicode x) needs a byte string: got ${describe(frame.value)}`);
        }
        return frame.value;
      case K.LIST:
      case K.TUPLE:
      case K.SET:
      case K.FROZENSET:
        return frame.container;
      case K.DICTIONARY:
        return this.#dictionary(frame);
      case K.REFERENCE:
        expect(frame, 2);
        return frame.value;
      case K.DEREFERENCE:
      case K.REMOTE:
      case K.LOCAL:
      case K.CACHED:
      case K.LCACHE:
        expect(frame, 1);
        return frame.value;
      case K.DECIMAL: {
        expect(frame, 2);
        const [unscaled, exponent] = [frame.value, frame.key];
        // a float, or an exponent past the safe range, is no decimal (found by test/unit/fuzz.test.js)
        if (!(typeof unscaled === 'bigint' || Number.isSafeInteger(unscaled)) || !Number.isSafeInteger(exponent)) {
          throw new ProtocolError('(decimal value exponent) needs integers: got '
            + `${describe(unscaled)}, ${describe(exponent)}`);
        }
        return new Decimal(unscaled, exponent);
      }
      case K.TIME:
        expect(frame, 1);
        return timeValue(frame.tag, frame.value);
      case K.UNPERSISTABLE:
        expect(frame, 1);
        return new Unpersistable(frame.value instanceof Uint8Array ? utf8.decode(frame.value) : String(frame.value));
      case K.COPY:
        if (frame.index === 2) {
          // ("type.Name" luid state): a cacheable's first arrival
          return this.importer.importCache(frame.tag, asInteger(frame.value, 'cache id'), frame.key);
        }
        expect(frame, 1);
        return this.registry.build(frame.tag, frame.value);
      default:
        throw new Error(`unexpected frame ${frame.kind}`);
    }
  }

  /** A dictionary: a plain object when every key is text, else a Map. */
  #dictionary(frame) {
    const obj = frame.container;
    if (frame.allText) {
      for (const [k, v] of frame.pairs) {
        if (k === '__proto__') {
          Object.defineProperty(obj, k, { value: v, writable: true, enumerable: true, configurable: true });
        } else {
          obj[k] = v;
        }
      }
      return obj;
    }
    const map = new Map(frame.pairs);
    if (frame.registered) {
      // the object stood for the dictionary while it was read: wherever it went, the Map goes instead
      for (const [n, v] of this.references) {
        if (v === obj) {
          this.references.set(n, map);
        }
      }
      replaceIn(map, obj, map, new Set());
    }
    return map;
  }
}

/** Replaces `from` by `to` in the containers reachable from `root`. */
function replaceIn(root, from, to, visited) {
  if (root === null || typeof root !== 'object' || visited.has(root)) {
    return;
  }
  visited.add(root);
  const swap = (v) => (v === from ? to : v);
  if (Array.isArray(root)) {
    for (let i = 0; i < root.length; i++) {
      root[i] = swap(root[i]);
      replaceIn(root[i], from, to, visited);
    }
  } else if (root instanceof Map) {
    const entries = [...root];
    if (entries.some(([k, v]) => k === from || v === from)) {
      root.clear();
      for (const [k, v] of entries) root.set(swap(k), swap(v));
    }
    for (const [k, v] of root) {
      replaceIn(k, from, to, visited);
      replaceIn(v, from, to, visited);
    }
  } else if (root instanceof Set) {
    if (root.has(from)) {
      const members = [...root].map(swap);
      Set.prototype.clear.call(root);
      for (const m of members) addToSet.call(root, m);
    }
    for (const m of root) replaceIn(m, from, to, visited);
  } else if (isPlainObject(root)) {
    for (const k of Object.keys(root)) {
      root[k] = swap(root[k]);
      replaceIn(root[k], from, to, visited);
    }
  }
}

function expect(frame, elements) {
  if (frame.index !== elements) {
    const name = frame.kind === K.COPY ? frame.tag : KIND_NAMES[frame.kind];
    throw new ProtocolError(`(${name} …) takes ${elements} element(s) after its tag: got ${frame.index}`);
  }
}

function asInteger(element, what) {
  if (typeof element === 'number' && Number.isSafeInteger(element)) {
    return element;
  }
  throw new ProtocolError(`${what} must be an integer: got ${describe(element)}`);
}

function describe(value) {
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'None';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return String(value);
}

function timeValue(tag, value) {
  if (!(value instanceof Uint8Array)) {
    throw new ProtocolError(`(${tag} x) needs a byte string: got ${describe(value)}`);
  }
  const text = latin1(value).trim();
  const fields = text.split(' ').map(Number);
  if (text === '' || !fields.every(Number.isSafeInteger)) {
    throw new ProtocolError(`malformed (${tag} "${text}")`);
  }
  return new TimeValue(tag, fields);
}

