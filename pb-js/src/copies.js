/**
 * What this side builds from the wire: the registry from copy type names to factories and from cache type names
 * to RemoteCache classes. Nothing is ever built from a name that is not registered.
 */
import { InsecureJellyError } from './errors.js';

/** The type name of PB's failure record, which every registry understands. */
export const FAILURE_TYPE = 'twisted.spread.pb.CopyableFailure';

/** A copy kept as it came: its type name and state. PB's failure records travel as these. */
export class CopiedValue {
  constructor(typeName, state) {
    this.typeName = typeName;
    this.state = state;
  }
}

function isClass(value) {
  return typeof value === 'function' && value.prototype !== undefined;
}

/** Text-keyed state (a plain object, or a Map whose keys are strings or bytes) as a plain object. */
function stateObject(state) {
  if (state instanceof Map) {
    const out = {};
    for (const [k, v] of state) {
      const key = typeof k === 'string' ? k : k instanceof Uint8Array ? new TextDecoder().decode(k) : null;
      if (key !== null) {
        Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      }
    }
    return out;
  }
  return state;
}

/**
 * Registered copy and cache types. Instances are independent (tests build their own); the package's
 * {@link defaultRegistry}, filled by the module-level `registerCopy`/`registerCache`, is what `connect` uses
 * unless given `{ copies }`.
 */
export class CopyRegistry {
  #copies = new Map();
  #caches = new Map();
  #names = new Map();

  /**
   * Registers what a received copy of `typeName` becomes:
   * - `{ fromState(state) }`: its result;
   * - a class: an instance made without calling the constructor (as Twisted does), given the state by its
   *   `setCopyableState(state)` when it has one, else by assigning the state's text keys as properties. Instances
   *   of that class are then also sent as copies of `typeName` (state: `getStateToCopy()`, else their own
   *   enumerable properties).
   * Returns the registry.
   */
  registerCopy(typeName, factory) {
    if (typeof typeName !== 'string' || typeName === '') {
      throw new TypeError('registerCopy: the type name must be a non-empty string');
    }
    if (isClass(factory)) {
      this.#copies.set(typeName, (state) => {
        const instance = Object.create(factory.prototype);
        if (typeof instance.setCopyableState === 'function') {
          instance.setCopyableState(state);
        } else {
          Object.assign(instance, stateObject(state));
        }
        return instance;
      });
      this.#names.set(factory, typeName);
    } else if (factory && typeof factory.fromState === 'function') {
      this.#copies.set(typeName, (state) => factory.fromState(state));
    } else {
      throw new TypeError(`registerCopy('${typeName}', …): give a class or { fromState(state) }`);
    }
    return this;
  }

  /**
   * Registers the RemoteCache subclass that replicates a peer's cacheable of `typeName`; it is made with
   * `new CacheClass()` and then given the state by `setCopyableState(state)`. Returns the registry.
   */
  registerCache(typeName, CacheClass) {
    if (typeof typeName !== 'string' || typeName === '') {
      throw new TypeError('registerCache: the type name must be a non-empty string');
    }
    if (!isClass(CacheClass)) {
      throw new TypeError(`registerCache('${typeName}', …): give a RemoteCache subclass`);
    }
    this.#caches.set(typeName, CacheClass);
    return this;
  }

  /** The type name a registered class's instances are sent as, or undefined. */
  typeNameOf(value) {
    if (this.#names.size === 0) {
      return undefined;
    }
    for (let proto = Object.getPrototypeOf(value); proto !== null && proto !== Object.prototype;
      proto = Object.getPrototypeOf(proto)) {
      const name = this.#names.get(proto.constructor);
      if (name !== undefined) {
        return name;
      }
    }
    return undefined;
  }

  /** Builds a received copy; an unregistered name throws {@link InsecureJellyError}. */
  build(typeName, state) {
    if (typeName === FAILURE_TYPE) {
      return new CopiedValue(typeName, state);
    }
    const factory = this.#copies.get(typeName);
    if (factory === undefined) {
      throw new InsecureJellyError(typeName, `copy of unregistered type '${typeName}' refused: only registered `
        + `types are built; register it with registerCopy('${typeName}', { fromState(state) { … } })`);
    }
    return factory(state);
  }

  /** A new replica for a received cacheable; an unregistered name throws {@link InsecureJellyError}. */
  newCache(typeName) {
    const CacheClass = this.#caches.get(typeName);
    if (CacheClass === undefined) {
      throw new InsecureJellyError(typeName, `cache of unregistered type '${typeName}' refused: register a `
        + `RemoteCache subclass with registerCache('${typeName}', YourCache)`);
    }
    return new CacheClass();
  }
}

/** The registry `connect` uses unless given one. */
export const defaultRegistry = new CopyRegistry();

/** Registers a copy type in the {@link defaultRegistry}; see {@link CopyRegistry#registerCopy}. */
export function registerCopy(typeName, factory) {
  defaultRegistry.registerCopy(typeName, factory);
}

/** Registers a cache type in the {@link defaultRegistry}; see {@link CopyRegistry#registerCache}. */
export function registerCache(typeName, CacheClass) {
  defaultRegistry.registerCache(typeName, CacheClass);
}
