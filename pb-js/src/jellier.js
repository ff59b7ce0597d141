/**
 * Jelly's writing half: JavaScript values → PB's s-expression vocabulary, written into a token sink (an encoder)
 * with no intermediate tree. It reaches a connection's tables only through an exporter (sending references and
 * caches); {@link NO_EXPORTS} stands in where there is no connection. The reading half is `unjellier.js`.
 */
import { CopiedValue } from './copies.js';
import { LimitExceededError } from './errors.js';
import { Cacheable, Referenceable, RemoteCache, RemoteReference, ownTypeNameOf } from './flavors.js';
import { referenceOfStub } from './stubs.js';
import { Decimal, FrozenSet, TimeValue, Tuple, Unpersistable } from './values.js';

const ascii = new TextEncoder();
const TRUE = ascii.encode('true');
const FALSE = ascii.encode('false');

/** For jellying without a connection: references and caches cannot be sent. */
export const NO_EXPORTS = Object.freeze({
  exportReference(object) {
    throw new TypeError(`cannot send a Referenceable without a connection: ${object}`);
  },
  unexport() {},
  exportCache(cacheable) {
    throw new TypeError(`cannot send a Cacheable without a connection: ${cacheable}`);
  },
  unexportCache() {},
  cacheIdOf(cache) {
    throw new TypeError(`cannot send a RemoteCache without a connection: ${cache}`);
  },
  localIdOf(reference) {
    throw new TypeError(`cannot send a RemoteReference without a connection: ${reference}`);
  },
});

function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const NOT_SHARED = 0;
const SHARED_UNWRITTEN = -1;

/**
 * Writes JavaScript values as Jelly tokens (README.md has the mapping). Each {@link #write} is one reference
 * scope, as Twisted jellies a call's arguments, its keyword arguments and an answer separately. Containers and
 * copies met twice (shared or cyclic) are found by a scan before writing, because a stream cannot wrap a first
 * occurrence after the fact: the first is written as `(reference N …)`, the others as `(dereference N)`.
 * References exported while writing a message are remembered so a message that fails halfway can be
 * {@link #rollback}ed.
 */
export class Jellier {
  constructor({ exporter = NO_EXPORTS, registry = null, maxDepth = 1000 } = {}) {
    this.exporter = exporter;
    this.registry = registry;
    this.maxDepth = maxDepth;
    this.exported = [];
    this.exportedCaches = [];
    this.seen = null;
    this.copyStates = null;
    this.perspective = null;
    this.nextReference = 1;
  }

  /** Starts a message: forgets the exports of the previous one. */
  startMessage() {
    this.exported.length = 0;
    this.exportedCaches.length = 0;
  }

  /** Takes back the exports made since {@link #startMessage}. */
  rollback() {
    for (const luid of this.exported) {
      this.exporter.unexport(luid);
    }
    for (const luid of this.exportedCaches) {
      this.exporter.unexportCache(luid);
    }
    this.startMessage();
  }

  /** Writes `value` as one Jelly expression, its own reference scope, on behalf of `perspective`. */
  write(sink, value, perspective = null) {
    this.#begin(perspective, this.#isTracked(value) ? [value] : null);
    try {
      this.#value(sink, value, 0);
    } finally {
      this.#end();
    }
  }

  /** Writes `elements` as `(tuple …)`, one reference scope: a call's positional arguments. */
  writeTuple(sink, elements, perspective = null) {
    this.#begin(perspective, elements.some((e) => this.#isTracked(e)) ? elements : null);
    try {
      sink.beginList(elements.length + 1);
      sink.symbol('tuple');
      for (const element of elements) {
        this.#value(sink, element, 1);
      }
      sink.endList();
    } finally {
      this.#end();
    }
  }

  #begin(perspective, scanRoots) {
    this.perspective = perspective;
    this.nextReference = 1;
    if (scanRoots !== null) {
      this.#scan(scanRoots);
    }
  }

  #end() {
    this.seen = null;
    this.copyStates = null;
    this.perspective = null;
  }

  #value(sink, value, depth) {
    if (depth > this.maxDepth) {
      throw new LimitExceededError('nesting depth of a value to send', 'maxDepth', depth, this.maxDepth);
    }
    switch (typeof value) {
      case 'undefined':
        this.#none(sink);
        return;
      case 'string':
        sink.text(value);
        return;
      case 'number':
        if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
          sink.integer(value);
        } else {
          sink.float(value);
        }
        return;
      case 'bigint':
        sink.integer(value);
        return;
      case 'boolean':
        sink.beginList(2);
        sink.symbol('boolean');
        sink.bytes(value ? TRUE : FALSE);
        sink.endList();
        return;
      case 'object':
        break;
      default:
        throw new TypeError(`cannot send a ${typeof value}: not a Jelly value (see README.md for what travels)`);
    }
    if (value === null) {
      this.#none(sink);
    } else if (value instanceof Uint8Array) {
      sink.bytes(value);
    } else if (value instanceof ArrayBuffer) {
      sink.bytes(new Uint8Array(value));
    } else if (value instanceof Referenceable) {
      const luid = this.exporter.exportReference(value);
      this.exported.push(luid);
      this.#tagged(sink, 'remote', luid);
    } else if (value instanceof RemoteReference) {
      const id = this.exporter.localIdOf(value);
      sink.beginList(2);
      sink.symbol('local');
      if (typeof id === 'number') {
        sink.integer(id);
      } else {
        sink.bytes(ascii.encode(id));
      }
      sink.endList();
    } else if (value instanceof RemoteCache) {
      this.#tagged(sink, 'lcache', this.exporter.cacheIdOf(value));
    } else if (value instanceof Cacheable) {
      this.#cacheable(sink, value, depth);
    } else if (value instanceof Decimal) {
      sink.beginList(3);
      sink.symbol('decimal');
      sink.integer(narrow(value.unscaled));
      sink.integer(value.exponent);
      sink.endList();
    } else if (value instanceof TimeValue) {
      sink.beginList(2);
      sink.symbol(value.kind);
      sink.bytes(ascii.encode(value.fields.join(' ')));
      sink.endList();
    } else if (value instanceof Unpersistable) {
      sink.beginList(2);
      sink.symbol('unpersistable');
      sink.bytes(ascii.encode(value.reason));
      sink.endList();
    } else if (referenceOfStub(value) !== undefined) {
      this.#value(sink, referenceOfStub(value), depth); // a stub travels as its reference
    } else if (this.#isTracked(value)) {
      this.#shared(sink, value, depth);
    } else {
      const kind = value.constructor?.name ?? 'object';
      throw new TypeError(`cannot send a ${kind}: not a Jelly value (send a Referenceable, a copy type with `
        + 'static pbTypeName or a registered class, or a value from the README\'s mapping)');
    }
  }

  #none(sink) {
    sink.beginList(1);
    sink.symbol('None');
    sink.endList();
  }

  #tagged(sink, tag, id) {
    sink.beginList(2);
    sink.symbol(tag);
    sink.integer(id);
    sink.endList();
  }

  #cacheable(sink, cacheable, depth) {
    const typeName = this.#typeNameOf(cacheable);
    const { luid, first, state } = this.exporter.exportCache(cacheable, this.perspective);
    this.exportedCaches.push(luid);
    if (!first) {
      this.#tagged(sink, 'cached', luid);
      return;
    }
    sink.beginList(3);
    sink.bytes(ascii.encode(typeName));
    sink.integer(luid);
    this.#value(sink, state, depth + 1);
    sink.endList();
  }

  /** Containers and copies: the values that take part in reference tracking. */
  #shared(sink, value, depth) {
    const state = this.seen?.get(value);
    if (state !== undefined && state[0] !== NOT_SHARED) {
      if (state[0] > 0) {
        this.#tagged(sink, 'dereference', state[0]);
        return;
      }
      state[0] = this.nextReference++;
      sink.beginList(3);
      sink.symbol('reference');
      sink.integer(state[0]);
      this.#container(sink, value, depth + 1);
      sink.endList();
      return;
    }
    this.#container(sink, value, depth);
  }

  #container(sink, value, depth) {
    if (value instanceof Tuple) {
      this.#sequence(sink, 'tuple', value, value.length, depth);
    } else if (Array.isArray(value)) {
      this.#sequence(sink, 'list', value, value.length, depth);
    } else if (value instanceof Map) {
      sink.beginList(value.size + 1);
      sink.symbol('dictionary');
      for (const [k, v] of value) {
        this.#pair(sink, k, v, depth);
      }
      sink.endList();
    } else if (value instanceof FrozenSet) {
      this.#sequence(sink, 'frozenset', value, value.size, depth);
    } else if (value instanceof Set) {
      this.#sequence(sink, 'set', value, value.size, depth);
    } else if (value instanceof CopiedValue || !isPlainObject(value)) {
      sink.beginList(2);
      sink.bytes(ascii.encode(this.#typeNameOf(value)));
      this.#value(sink, this.#copyState(value), depth + 1);
      sink.endList();
    } else {
      const keys = Object.keys(value);
      sink.beginList(keys.length + 1);
      sink.symbol('dictionary');
      for (const k of keys) {
        this.#pair(sink, k, value[k], depth);
      }
      sink.endList();
    }
  }

  #pair(sink, key, value, depth) {
    sink.beginList(2);
    this.#value(sink, key, depth + 1);
    this.#value(sink, value, depth + 1);
    sink.endList();
  }

  #sequence(sink, tag, elements, size, depth) {
    sink.beginList(size + 1);
    sink.symbol(tag);
    for (const element of elements) {
      this.#value(sink, element, depth + 1);
    }
    sink.endList();
  }

  #typeNameOf(value) {
    if (value instanceof CopiedValue) {
      return value.typeName;
    }
    const name = ownTypeNameOf(value) ?? this.registry?.typeNameOf(value);
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`cannot send ${value.constructor?.name}: no type name (give the class static pbTypeName)`);
    }
    return name;
  }

  #copyState(value) {
    if (this.copyStates?.has(value)) {
      return this.copyStates.get(value);
    }
    return this.#computeCopyState(value);
  }

  #computeCopyState(value) {
    if (value instanceof CopiedValue) {
      return value.state;
    }
    if (typeof value.getStateToCopyFor === 'function') {
      return value.getStateToCopyFor(this.perspective);
    }
    if (typeof value.getStateToCopy === 'function') {
      return value.getStateToCopy();
    }
    return { ...value };
  }

  #isTracked(value) {
    if (value === null || typeof value !== 'object' || referenceOfStub(value) !== undefined) {
      return false; // a stub's every property is a remote method: never duck-type one
    }
    if (Array.isArray(value) || value instanceof Map || value instanceof Set || value instanceof CopiedValue) {
      return true;
    }
    if (value instanceof Uint8Array || value instanceof ArrayBuffer || value instanceof Referenceable
      || value instanceof RemoteReference || value instanceof RemoteCache || value instanceof Cacheable
      || value instanceof Decimal || value instanceof TimeValue || value instanceof Unpersistable) {
      return false;
    }
    return isPlainObject(value) || ownTypeNameOf(value) !== undefined
      || this.registry?.typeNameOf(value) !== undefined;
  }

  /** Marks the tracked values reached twice from `roots`; remembers each copy's state on the way. */
  #scan(roots) {
    const counts = new Map();
    const work = [];
    const push = (v) => {
      if (this.#isTracked(v)) {
        work.push(v);
      }
    };
    roots.forEach(push);
    while (work.length > 0) {
      const value = work.pop();
      const state = counts.get(value);
      if (state !== undefined) {
        state[0] = SHARED_UNWRITTEN;
        continue;
      }
      counts.set(value, [NOT_SHARED]);
      if (Array.isArray(value) || value instanceof Set) {
        for (const e of value) push(e);
      } else if (value instanceof Map) {
        for (const [k, v] of value) {
          push(k);
          push(v);
        }
      } else if (value instanceof CopiedValue || !isPlainObject(value)) {
        const copyState = this.#computeCopyState(value);
        (this.copyStates ??= new Map()).set(value, copyState);
        push(copyState);
      } else {
        for (const k of Object.keys(value)) push(value[k]);
      }
    }
    this.seen = counts;
  }
}

function narrow(big) {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}
