package dev.pbj.core.internal.tables;

import dev.pbj.Avatar;
import dev.pbj.Cacheable;
import dev.pbj.ProtocolException;
import dev.pbj.Referenceable;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteReference;
import dev.pbj.Viewable;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.internal.connection.BrokerImpl;
import dev.pbj.core.internal.jelly.Exporter;
import dev.pbj.core.internal.jelly.Importer;
import dev.pbj.core.internal.login.ViewPoint;

/**
 * A connection's tables as Jelly sees them: what sending a reference, view point or cacheable records, and what
 * a received {@code remote}, {@code local}, cache, {@code cached} or {@code lcache} token resolves to. The only
 * way the jellier and unjellier reach the broker's state.
 */
public final class JellyTables implements Exporter, Importer {
  private final BrokerImpl broker;
  private final LocalObjectTable locals;
  private final CacheTable caches;
  private final ImportTable imports;
  private final RemoteCacheTable remoteCaches;
  private final CopyRegistry copies;

  public JellyTables(BrokerImpl broker, LocalObjectTable locals, CacheTable caches, ImportTable imports,
      RemoteCacheTable remoteCaches, CopyRegistry copies) {
    this.broker = broker;
    this.locals = locals;
    this.caches = caches;
    this.imports = imports;
    this.remoteCaches = remoteCaches;
    this.copies = copies;
  }

  // ---- sending ----

  @Override
  public long export(Referenceable object) {
    return locals.export(object);
  }

  @Override
  public long exportView(Viewable view, Avatar perspective) {
    return locals.export(new ViewPoint(view, perspective));
  }

  @Override
  public void unexport(long luid) {
    locals.decref(luid);
  }

  @Override
  public CacheExport exportCache(Cacheable cacheable, Avatar perspective) {
    CacheTable.Entry entry = caches.reuse(cacheable);
    if (entry != null) {
      return new CacheExport(entry.luid, false, null);
    }
    entry = caches.add(cacheable, perspective, luid -> new CacheObserverImpl(broker, luid, perspective));
    try {
      return new CacheExport(entry.luid, true, cacheable.getStateToCacheAndObserveFor(perspective, entry.observer));
    } catch (RuntimeException e) {
      caches.release(entry.luid);
      throw e;
    }
  }

  @Override
  public void unexportCache(long luid) {
    CacheTable.Entry entry = caches.release(luid);
    if (entry != null) {
      broker.stopObserving(entry);
    }
  }

  @Override
  public long cacheIdOf(RemoteCache cache) {
    return remoteCaches.idOf(cache);
  }

  @Override
  public Object localIdOf(RemoteReference reference) {
    if (reference instanceof RemoteReferenceImpl && ((RemoteReferenceImpl) reference).broker == broker) {
      RemoteReferenceImpl handle = (RemoteReferenceImpl) reference;
      if (handle.state != null && handle.state.isReleased()) {
        // the peer may have dropped the object already: naming it would be a protocol error there
        throw new dev.pbj.DeadReferenceException("cannot send " + reference + ": this reference was closed");
      }
      return handle.id;
    }
    throw new IllegalArgumentException("cannot send " + reference + " over " + broker
        + ": a reference can only go back to the connection it came from");
  }

  // ---- receiving ----

  @Override
  public RemoteReference importRemote(long luid) {
    return imports.importRemote(luid);
  }

  @Override
  public Object resolveLocal(Object id) {
    Object object = locals.lookup(id);
    if (object == null) {
      throw new ProtocolException("(local " + id + ") names no object exported to this peer");
    }
    return object instanceof ViewPoint ? ((ViewPoint) object).viewable : object;
  }

  @Override
  public Object importCache(String typeName, long luid, Object state) {
    RemoteCache cache = copies.newCache(typeName);
    cache.setCopyableState(state);
    return remoteCaches.add(luid, typeName, cache);
  }

  @Override
  public Object cached(long luid) {
    return remoteCaches.cached(luid);
  }

  @Override
  public Object resolveLocalCache(long luid) {
    Cacheable cacheable = caches.lookup(luid);
    if (cacheable == null) {
      throw new ProtocolException("(lcache " + luid + ") names no cacheable the peer observes");
    }
    return cacheable;
  }
}
