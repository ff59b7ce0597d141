/**
 * A connection's tables, one class per job: the objects this side exports (with reference counts), the peer's
 * objects it holds references to (counting the tokens received and the handles open), the cacheables the peer
 * observes, the replicas of the peer's cacheables, and the calls waiting for an answer.
 */
import { LimitExceededError, ProtocolError } from './errors.js';
import { RemoteReference } from './flavors.js';

const Weak = typeof WeakRef === 'function' ? WeakRef : class Strong {
  constructor(value) {
    this.value = value;
  }

  deref() {
    return this.value;
  }
};
const Finalizers = typeof FinalizationRegistry === 'function' ? FinalizationRegistry : class None {
  register() {}

  unregister() {}
};

/**
 * The objects this side exports to the peer (Twisted's `localObjects`): luid → object with a count of the
 * references sent, plus objects served by name (`"root"`), which are never counted. A luid is never reused on a
 * connection; the counter is shared with the {@link CacheTable}, as in Twisted.
 */
export class LocalObjectTable {
  constructor(maxObjects, luids) {
    this.maxObjects = maxObjects;
    this.luids = luids;
    this.byLuid = new Map();
    this.byObject = new Map();
    this.named = new Map();
  }

  putNamed(name, object) {
    this.named.set(name, object);
  }

  /** Counts one more reference sent for `object`; returns its luid. */
  export(object) {
    let entry = this.byObject.get(object);
    if (entry === undefined) {
      if (this.byLuid.size >= this.maxObjects) {
        throw new LimitExceededError('objects exported to one peer', 'maxLocalObjects', this.byLuid.size + 1,
          this.maxObjects);
      }
      entry = { luid: ++this.luids.last, object, references: 0 };
      this.byLuid.set(entry.luid, entry);
      this.byObject.set(object, entry);
    }
    entry.references++;
    return entry.luid;
  }

  /** The peer dropped one reference; returns the object if that was the last (it is forgotten), else null. */
  decref(luid) {
    const entry = this.byLuid.get(luid);
    if (entry === undefined) {
      throw new ProtocolError(`decref for object id ${luid}, which is not exported`);
    }
    if (--entry.references > 0) {
      return null;
    }
    this.byLuid.delete(luid);
    this.byObject.delete(entry.object);
    return entry.object;
  }

  /** The object exported as `id` (a luid or a name), or undefined. */
  lookup(id) {
    return typeof id === 'number' ? this.byLuid.get(id)?.object : this.named.get(id);
  }

  get size() {
    return this.byLuid.size;
  }

  clear() {
    this.byLuid.clear();
    this.byObject.clear();
    this.named.clear();
  }
}

/**
 * The peer's objects this side holds references to. Each `(remote luid)` token received gives its receiver a
 * handle of its own (a new RemoteReference) onto one shared entry per luid, which counts the tokens, because the
 * peer expects one `decref` per token, and keeps the handles still open. Releasing a handle, or the garbage
 * collector finding it unreachable, lets go of that handle only; when the last handle of an entry goes, the
 * entry's decrefs are sent and the entry is forgotten. So code that releases the reference it was given cannot
 * kill the same reference held by a call still in flight.
 */
export class ImportTable {
  /** luid → `{ luid, tokens, handles }`; an entry is here exactly while it has a handle open. */
  #entries = new Map();
  #finalizers = new Finalizers((handle) => handle.release());
  #closed = false;

  constructor(broker) {
    this.broker = broker;
  }

  /** One more `(remote luid)` token: a new handle onto the entry for it. */
  importRemote(luid) {
    let entry = this.#entries.get(luid);
    if (entry === undefined) {
      entry = { luid, tokens: 0, handles: new Set() };
      this.#entries.set(luid, entry);
    }
    entry.tokens++;
    const table = this;
    // the handle's state, also what the finalizer receives: it never points back to the RemoteReference
    const handle = {
      broker: this.broker,
      id: luid,
      released: false,
      release() {
        if (this.released) {
          return;
        }
        this.released = true;
        table.#released(entry, this);
      },
    };
    entry.handles.add(handle);
    const reference = new RemoteReference(handle);
    this.#finalizers.register(reference, handle, handle);
    return reference;
  }

  #released(entry, handle) {
    this.#finalizers.unregister(handle);
    entry.handles.delete(handle);
    if (entry.handles.size > 0 || this.#closed) {
      return;
    }
    this.#entries.delete(entry.luid);
    this.broker.sendCounted('decref', entry.luid, entry.tokens);
  }

  /** Distinct remote objects held (each with at least one open handle). */
  get size() {
    return this.#entries.size;
  }

  /** The connection is gone: every handle is dead, and nothing is sent for them. */
  close() {
    this.#closed = true;
    for (const entry of this.#entries.values()) {
      for (const handle of entry.handles) {
        handle.released = true;
        this.#finalizers.unregister(handle);
      }
    }
    this.#entries.clear();
  }
}

/**
 * This side's cacheables that the peer observes (Twisted's `remotelyCachedObjects`): cache id → cacheable, its
 * observer, and how many times it was sent. The peer's `decache`s count down; at zero the entry goes.
 */
export class CacheTable {
  constructor(maxObjects, luids) {
    this.maxObjects = maxObjects;
    this.luids = luids;
    this.byLuid = new Map();
    this.byObject = new Map();
  }

  /** The entry of a cacheable already sent, counting one more reference, or null if it is new. */
  reuse(cacheable) {
    const entry = this.byObject.get(cacheable);
    if (entry === undefined) {
      return null;
    }
    entry.references++;
    return entry;
  }

  /** A new entry with one reference; `makeObserver(luid)` gives its observer. */
  add(cacheable, perspective, makeObserver) {
    if (this.byLuid.size >= this.maxObjects) {
      throw new LimitExceededError('cacheables observed by one peer', 'maxLocalObjects', this.byLuid.size + 1,
        this.maxObjects);
    }
    const luid = ++this.luids.last;
    const entry = { luid, cacheable, perspective, observer: makeObserver(luid), references: 1 };
    this.byLuid.set(luid, entry);
    this.byObject.set(cacheable, entry);
    return entry;
  }

  /** One reference less; returns the entry if that was the last (it is removed), else null. */
  release(luid) {
    const entry = this.byLuid.get(luid);
    if (entry === undefined) {
      throw new ProtocolError(`decache for cache id ${luid}, which is not cached by the peer`);
    }
    if (--entry.references > 0) {
      return null;
    }
    this.byLuid.delete(luid);
    this.byObject.delete(entry.cacheable);
    return entry;
  }

  lookup(luid) {
    return this.byLuid.get(luid)?.cacheable;
  }

  get size() {
    return this.byLuid.size;
  }

  /** Empties the table; returns what was in it. */
  clear() {
    const all = [...this.byLuid.values()];
    this.byLuid.clear();
    this.byObject.clear();
    return all;
  }
}

/**
 * The peer's cacheables this side replicates (Twisted's `locallyCachedObjects`): cache id → the one RemoteCache
 * and the number of times the peer sent it, because the peer expects one `decache` per time. The entry stays
 * until the peer's `uncache`, since a `(cached N)` may be on its way when this side releases.
 */
export class RemoteCacheTable {
  #entries = new Map();
  #finalizers = new Finalizers((entry) => entry.release());
  #closed = false;

  constructor(broker) {
    this.broker = broker;
  }

  /** Registers a replica received for the first time, with one token; returns its binding. */
  add(luid, typeName, cache) {
    if (this.#entries.has(luid)) {
      throw new ProtocolError(`cache id ${luid} sent twice with its state`);
    }
    const table = this;
    const entry = {
      broker: this.broker,
      luid,
      typeName,
      cache: new Weak(cache),
      tokens: 1,
      released: false,
      release() {
        if (this.released) {
          return;
        }
        this.released = true;
        const count = this.tokens;
        this.tokens = 0;
        table.#finalizers.unregister(this);
        if (!table.#closed) {
          table.broker.sendCounted('decache', luid, count);
        }
      },
    };
    this.#entries.set(luid, entry);
    this.#finalizers.register(cache, entry, entry);
    return entry;
  }

  /** `(cached luid)`: the replica, counting one more token. */
  cached(luid) {
    const entry = this.#entries.get(luid);
    const cache = entry?.cache.deref();
    if (cache === undefined) {
      throw new ProtocolError(`(cached ${luid}) names no cache this side holds`);
    }
    if (entry.released) {
      entry.released = false;
      entry.tokens = 1;
      this.#finalizers.register(cache, entry, entry);
    } else {
      entry.tokens++;
    }
    return cache;
  }

  /** The replica cached as `luid`, or undefined. */
  lookup(luid) {
    return this.#entries.get(luid)?.cache.deref();
  }

  /** `(uncache luid)`: the owner forgot it. */
  uncache(luid) {
    if (!this.#entries.delete(luid)) {
      throw new ProtocolError(`uncache for cache id ${luid}, which this side does not hold`);
    }
  }

  get size() {
    return this.#entries.size;
  }

  close() {
    this.#closed = true;
    this.#entries.clear();
  }
}

/**
 * The calls waiting for an answer, by request id. A call may be given up on before its answer comes (its
 * deadline passed, its signal aborted): it leaves the table then, and an answer for a request id this side
 * issued but no longer waits for is a late one, to be dropped; only an id never issued is a protocol error.
 */
export class PendingCalls {
  #calls = new Map();
  #last = 0;

  /** The next request id (every call uses one, answered or not). */
  nextId() {
    return ++this.#last;
  }

  /** Whether `id` was handed out by {@link nextId}: an answer for it that nobody waits for came late. */
  wasIssued(id) {
    return Number.isSafeInteger(id) && id >= 1 && id <= this.#last;
  }

  /** Waits for the answer to `id`; `disarm` (or null) stops the call's deadline and abort watch. */
  register(id, resolve, reject, disarm = null) {
    this.#calls.set(id, { resolve, reject, disarm });
  }

  /** The call waiting for `id`, removed and its watch stopped; or undefined. */
  take(id) {
    const call = this.#calls.get(id);
    if (call !== undefined) {
      this.#calls.delete(id);
      call.disarm?.();
    }
    return call;
  }

  get size() {
    return this.#calls.size;
  }

  /** Removes every waiting call, their watches stopped; returns them. */
  closeAll() {
    const all = [...this.#calls.values()];
    this.#calls.clear();
    for (const call of all) {
      call.disarm?.();
    }
    return all;
  }
}
