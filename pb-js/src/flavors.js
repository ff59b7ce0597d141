/**
 * PB's flavors as JavaScript classes: {@link Referenceable} (sent by reference), {@link RemoteReference} (a
 * reference to the peer's object), {@link Cacheable} and {@link RemoteCache} (an object replicated once per
 * connection and kept up to date by its owner).
 */
import { checkTimeout } from './deadlines.js';
import { DeadReferenceError } from './errors.js';
import { stubOf } from './stubs.js';

/** What the broker attaches to the references and caches it creates; never reachable from the public API. */
export const bindings = new WeakMap();

function methodOn(target, name, stopAt, excluded) {
  if (typeof name !== 'string' || name === '' || name.startsWith('_') || name === 'constructor'
    || excluded.has(name)) {
    return null;
  }
  for (let proto = Object.getPrototypeOf(target); proto !== null && proto !== stopAt && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor !== undefined) {
      return typeof descriptor.value === 'function' ? descriptor.value : null;
    }
  }
  return null;
}

const methodTables = new WeakMap();
const NOTHING_EXCLUDED = new Set();

/**
 * An object the peer may call: sent by reference, it arrives as a RemoteReference whose `callRemote(name, …)`
 * runs this object's method `name` (wire name = method name). Either subclass it (the subclass's methods and
 * function-valued fields, except `constructor` and names starting with `_`, are callable) or pass the methods:
 * `new Referenceable({ got(x) { … } })`. A method may return a Promise; the caller's answer waits for it.
 * Keyword arguments, when the caller sent any, arrive as one more argument after the positional ones: a plain
 * object of name → value.
 */
export class Referenceable {
  constructor(methods) {
    if (methods !== undefined) {
      if (methods === null || typeof methods !== 'object') {
        throw new TypeError('new Referenceable(methods): give an object whose functions are the remote methods');
      }
      methodTables.set(this, methods);
    }
  }
}

/** The function the peer's call `name` runs on `target` (a Referenceable), and its `this`; or null. */
export function remoteMethodOf(target, name) {
  const table = methodTables.get(target);
  if (table !== undefined) {
    if (typeof name === 'string' && Object.hasOwn(table, name) && typeof table[name] === 'function'
      && !name.startsWith('_')) {
      return { fn: table[name], self: table };
    }
    return null;
  }
  let fn = methodOn(target, name, Referenceable.prototype, NOTHING_EXCLUDED);
  if (fn === null && typeof name === 'string' && !name.startsWith('_') && Object.hasOwn(target, name)
    && typeof target[name] === 'function') {
    fn = target[name]; // a class field holding a function: `got = (x) => …`
  }
  return fn === null ? null : { fn, self: target };
}

/**
 * The views {@link RemoteReference#withDeadline} made: view → `{ handle, timeout }`, `handle` the reference it was
 * made from (held, so that the collector does not release the handle while a view of it is in use).
 */
const views = new WeakMap();

const CALL_OPTIONS = new Set(['timeout', 'signal']);

function callThrough(reference, options, name, args) {
  const binding = bindings.get(reference);
  if (binding.released) {
    return Promise.reject(new DeadReferenceError(`calling a released reference to object ${binding.id}`));
  }
  const timeout = options?.timeout ?? views.get(reference)?.timeout;
  return binding.broker.call(binding.id, name, args, true, 'message',
    { timeout, signal: options?.signal });
}

/** A number per broker, so that {@link RemoteReference#key} tells connections apart. */
const brokerSerials = new WeakMap();
let lastBrokerSerial = 0;

function brokerSerial(broker) {
  let serial = brokerSerials.get(broker);
  if (serial === undefined) {
    serial = ++lastBrokerSerial;
    brokerSerials.set(broker, serial);
  }
  return serial;
}

/**
 * A handle on one of the peer's objects. `callRemote(name, ...args)` calls its method and resolves to the
 * answer; give keyword arguments last with `kw({...})`. Every reference received is a handle of its own, so
 * the same object received twice gives two handles: they are not `===` but {@link RemoteReference#equals}
 * each other and share {@link RemoteReference#key}. `release()` lets go of this handle only, so code that
 * releases what it was given cannot break another holder; when the last handle of an object is released (or
 * collected: the garbage collector releases an unreachable handle as a fallback), the peer is told, one
 * `decref` per time the object was received. Made by the connection only.
 */
export class RemoteReference {
  constructor(binding) {
    bindings.set(this, binding);
  }

  /** Calls the peer's method `name`; resolves to its answer, rejects with a RemoteError (or a connection error). */
  callRemote(name, ...args) {
    return callThrough(this, undefined, name, args);
  }

  /**
   * {@link callRemote} with options: `timeout` (ms; `Infinity` for none), after which the call rejects with
   * DeadlineExceededError, and `signal` (an AbortSignal), whose abort rejects it with the signal's reason. Either
   * way the call is forgotten (its late answer dropped) and a PBJ peer is told to stop working on it; a signal
   * already aborted rejects at once and sends nothing. A timeout given here beats the reference's
   * ({@link withDeadline}), which beats the connection's `callTimeout`.
   */
  callRemoteWith(options, name, ...args) {
    if (options === null || typeof options !== 'object') {
      return Promise.reject(new TypeError('callRemoteWith(options, name, ...args): options is an object such as'
        + ' { timeout, signal }'));
    }
    for (const key of Object.keys(options)) {
      if (!CALL_OPTIONS.has(key)) {
        return Promise.reject(new TypeError(`unknown call option '${key}' (known: ${[...CALL_OPTIONS].join(', ')})`));
      }
    }
    return callThrough(this, options, name, args);
  }

  /**
   * This reference with a deadline for each call made through it (Java's `RemoteReference.withDeadline`): a call
   * not answered within `timeout` ms rejects with DeadlineExceededError. `Infinity` gives calls none, whatever
   * the connection's `callTimeout`. The view shares this handle: releasing either releases both, and it
   * {@link equals} this one.
   */
  withDeadline(timeout) {
    if (timeout === undefined) {
      throw new RangeError('withDeadline(timeout): give milliseconds above 0, or Infinity for none');
    }
    const checked = checkTimeout(timeout, 'withDeadline(timeout)');
    const view = new RemoteReference(bindings.get(this));
    views.set(view, { handle: views.get(this)?.handle ?? this, timeout: checked });
    return view;
  }

  /**
   * A typed stub of this reference (Java's `RemoteReference.as`): `ref.as().greet('x')` is
   * `ref.callRemote('greet', 'x')`, and index.d.ts types it as the interface given, `ref.as<Greeter>()`. The stub
   * has no `then` (awaiting it gives the stub), answers `toString` itself, and is sent as this reference.
   */
  as() {
    return stubOf(this);
  }

  /** Runs `callback(this)` when the connection is lost (at once if it already is). */
  notifyOnDisconnect(callback) {
    bindings.get(this).broker.notifyOnDisconnect(callback, this);
  }

  /** Undoes {@link notifyOnDisconnect}. */
  dontNotifyOnDisconnect(callback) {
    bindings.get(this).broker.dontNotifyOnDisconnect(callback, this);
  }

  /**
   * Lets go of this handle; idempotent. Later calls through it reject with DeadReferenceError; other handles of
   * the same object keep working, and the peer is told once the last of them is released.
   */
  release() {
    bindings.get(this).release?.();
  }

  /** Whether this handle was released, or (a received reference) its connection closed. */
  get released() {
    return bindings.get(this).released === true;
  }

  /**
   * Whether `other` is a handle on the same remote object: the same connection and the same object id. Handles
   * are compared this way, never with `===`, since every reference received is a new handle.
   */
  equals(other) {
    if (!(other instanceof RemoteReference)) {
      return false;
    }
    const mine = bindings.get(this);
    const theirs = bindings.get(other);
    return theirs !== undefined && mine.broker === theirs.broker && mine.id === theirs.id;
  }

  /**
   * A string naming the remote object, the same for every handle that {@link equals} this one and different for
   * any other (another connection's included): a key for a Map or a Set of remote objects.
   */
  get key() {
    const { broker, id } = bindings.get(this);
    return `${brokerSerial(broker)}:${id}`;
  }

  /** Whether the connection this reference belongs to is open. */
  get connected() {
    return bindings.get(this).broker.connected;
  }

  toString() {
    return `RemoteReference(${bindings.get(this).id})`;
  }
}

/**
 * Emits an observed call to a cache's listeners, in registration order; a listener that throws does not stop
 * the others (its error is rethrown on its own, as an uncaught error). Set by RemoteCache's static block.
 */
export let emitObserved; // eslint-disable-line import/no-mutable-exports

const EMITTER_NAMES = new Set(['setCopyableState', 'on', 'off', 'addEventListener', 'removeEventListener',
  'release', 'toString']);

/**
 * The local replica of a peer's cacheable (Twisted's `pb.RemoteCache`). Subclass it, register the subclass for
 * the type name (`registerCache`), and give it the methods the owner calls (wire name = method name); they run
 * in the order the owner sent them. Each observed call also emits an event of the same name: `on(name, (...args)
 * => …)`, or `addEventListener(name, (event) => …)` with `event.detail` the first argument and `event.args`
 * all of them. Receiving the same cacheable again gives the same instance. `release()` tells the owner to stop
 * observing; the garbage collector releases an unreachable cache as a fallback. Made with `new` and no arguments.
 */
export class RemoteCache {
  #listeners = new Map();

  /** Takes the state the owner sent; by default keeps it as `this.state`. */
  setCopyableState(state) {
    this.state = state;
  }

  /** Calls `listener(...args)` for each observed call `type`; returns this. */
  on(type, listener) {
    this.#add(type, { listener, plain: true });
    return this;
  }

  /** Undoes {@link on}; returns this. */
  off(type, listener) {
    this.#remove(type, listener, true);
    return this;
  }

  /** Calls `listener({ type, detail, args, target })` for each observed call `type`. */
  addEventListener(type, listener) {
    this.#add(type, { listener, plain: false });
  }

  removeEventListener(type, listener) {
    this.#remove(type, listener, false);
  }

  /** Tells the owner this side no longer observes it (one `decache` per time it was received); idempotent. */
  release() {
    bindings.get(this)?.release();
  }

  /** The type name the owner sent it under; undefined until it has arrived. */
  get typeName() {
    return bindings.get(this)?.typeName;
  }

  #add(type, entry) {
    const list = this.#listeners.get(type) ?? [];
    list.push(entry);
    this.#listeners.set(type, list);
  }

  #remove(type, listener, plain) {
    const list = this.#listeners.get(type);
    if (list !== undefined) {
      const i = list.findIndex((e) => e.listener === listener && e.plain === plain);
      if (i >= 0) {
        list.splice(i, 1);
      }
    }
  }

  static {
    emitObserved = (cache, type, args) => {
      const list = cache.#listeners.get(type);
      if (list === undefined) {
        return;
      }
      for (const { listener, plain } of [...list]) {
        try {
          if (plain) {
            listener(...args);
          } else if (typeof listener === 'function') {
            listener({ type, detail: args[0], args, target: cache });
          } else {
            listener.handleEvent({ type, detail: args[0], args, target: cache });
          }
        } catch (e) {
          queueMicrotask(() => {
            throw e;
          });
        }
      }
    };
  }
}

/** The method of a RemoteCache subclass that an observed call `name` runs, or null. */
export function observeMethodOf(cache, name) {
  return methodOn(cache, name, RemoteCache.prototype, EMITTER_NAMES);
}

/**
 * An object replicated to each peer once per connection, then kept up to date through an observer per peer
 * (Twisted's `pb.Cacheable`). Give the class `static pbTypeName = 'your.Type'` (or a `getTypeToCopy()` method),
 * and override `getStateToCacheAndObserveFor(perspective, observer)` to keep the observer; call
 * `observer.callRemote(name, ...args)` to run `name` on the peer's replica. `stoppedObserving(perspective,
 * observer)` runs when a peer releases its replica or disconnects.
 */
export class Cacheable {
  /** The state sent to a new observer; by default `getStateToCopy()`, else the own enumerable properties. */
  getStateToCacheAndObserveFor(perspective, observer) { // eslint-disable-line no-unused-vars
    return typeof this.getStateToCopy === 'function' ? this.getStateToCopy() : { ...this };
  }

  /** A peer stopped observing (released its replica, or disconnected). */
  stoppedObserving(perspective, observer) {} // eslint-disable-line no-unused-vars
}

/** The type name an object carrying `static pbTypeName` (or `getTypeToCopy()`) is sent under, or undefined. */
export function ownTypeNameOf(value) {
  if (typeof value.getTypeToCopy === 'function') {
    return value.getTypeToCopy();
  }
  const name = value.constructor?.pbTypeName;
  return typeof name === 'string' ? name : undefined;
}
