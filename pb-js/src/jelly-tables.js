/**
 * A connection's tables as Jelly sees them: what sending a reference, a cacheable or a reference back records,
 * and what a received `remote`, `local`, cache, `cached` or `lcache` token resolves to. The only way the jellier
 * (as its exporter) and the unjellier (as its importer) reach the broker's state.
 */
import { DeadReferenceError, ProtocolError } from './errors.js';
import { bindings } from './flavors.js';

export class JellyTables {
  constructor(broker, registry) {
    this.broker = broker;
    this.registry = registry;
  }

  // ---- sending (the exporter) ----

  exportReference(object) {
    return this.broker.locals.export(object);
  }

  unexport(luid) {
    this.broker.locals.decref(luid);
  }

  /** Sends a cacheable: the first time with its state (and a new observer), later by id; counts one more either way. */
  exportCache(cacheable, perspective) {
    const caches = this.broker.caches;
    const reused = caches.reuse(cacheable);
    if (reused !== null) {
      return { luid: reused.luid, first: false, state: undefined };
    }
    const entry = caches.add(cacheable, perspective, (luid) => this.#observer(luid));
    try {
      const state = cacheable.getStateToCacheAndObserveFor(perspective, entry.observer);
      return { luid: entry.luid, first: true, state };
    } catch (e) {
      caches.release(entry.luid);
      throw e;
    }
  }

  unexportCache(luid) {
    const entry = this.broker.caches.release(luid);
    if (entry !== null) {
      this.broker.stopObserving(entry);
    }
  }

  /** The id the peer knows a replica by, `(lcache N)`. */
  cacheIdOf(cache) {
    const binding = bindings.get(cache);
    if (binding === undefined || binding.broker !== this.broker) {
      throw new TypeError('a RemoteCache can only go back to the connection it came from');
    }
    return binding.luid;
  }

  /** The id the peer knows a reference's object by, `(local N)`: a luid or a name such as "root". */
  localIdOf(reference) {
    const binding = bindings.get(reference);
    if (binding === undefined || binding.broker !== this.broker) {
      throw new TypeError('a RemoteReference can only go back to the connection it came from');
    }
    if (binding.released) {
      // the peer may have dropped the object already: naming it would be a protocol error there
      throw new DeadReferenceError(`cannot send a released reference to object ${binding.id}`);
    }
    return binding.id;
  }

  /** A cacheable's handle on the peer's replica: calls become `cachemessage`s to cache id `luid`. */
  #observer(luid) {
    const broker = this.broker;
    return {
      stopped: false,
      /** Runs `method` on the peer's replica; resolves to its answer. */
      callRemote(method, ...args) {
        if (this.stopped) {
          return Promise.reject(new DeadReferenceError(`the peer stopped observing cache ${luid}`));
        }
        return broker.call(luid, method, args, true, 'cachemessage');
      },
    };
  }

  // ---- receiving (the importer) ----

  importRemote(luid) {
    return this.broker.imports.importRemote(luid);
  }

  resolveLocal(id) {
    const object = this.broker.locals.lookup(id);
    if (object === undefined) {
      throw new ProtocolError(`(local ${id}) names no object exported to this peer`);
    }
    return object;
  }

  importCache(typeName, luid, state) {
    const cache = this.registry.newCache(typeName);
    cache.setCopyableState(state);
    bindings.set(cache, this.broker.remoteCaches.add(luid, typeName, cache));
    return cache;
  }

  cached(luid) {
    return this.broker.remoteCaches.cached(luid);
  }

  resolveLocalCache(luid) {
    const cacheable = this.broker.caches.lookup(luid);
    if (cacheable === undefined) {
      throw new ProtocolError(`(lcache ${luid}) names no cacheable the peer observes`);
    }
    return cacheable;
  }
}
