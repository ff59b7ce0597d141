package dev.pbj.core.internal.tables;

import dev.pbj.Avatar;
import dev.pbj.Broker;
import dev.pbj.CacheObserver;
import dev.pbj.CacheUpdate;
import dev.pbj.DeadReferenceException;
import dev.pbj.core.internal.connection.BrokerImpl;
import java.util.concurrent.CompletableFuture;

/** A cacheable's handle on the peer's replica: calls become {@code cachemessage}s to cache id {@code luid}. */
public final class CacheObserverImpl implements CacheObserver {
  private final BrokerImpl broker;
  private final long luid;
  private final Avatar perspective;
  private volatile boolean stopped;

  CacheObserverImpl(BrokerImpl broker, long luid, Avatar perspective) {
    this.broker = broker;
    this.luid = luid;
    this.perspective = perspective;
  }

  @Override
  public CompletableFuture<Object> callRemote(String method, Object... args) {
    if (stopped) {
      return CompletableFuture.failedFuture(new DeadReferenceException("the peer stopped observing cache " + luid));
    }
    return broker.callCache(this, luid, method, args);
  }

  /** The update's arguments are encoded once for all observers encoding alike, where they are plain values. */
  @Override
  public CompletableFuture<Object> callRemote(CacheUpdate update) {
    if (stopped) {
      return CompletableFuture.failedFuture(new DeadReferenceException("the peer stopped observing cache " + luid));
    }
    return broker.callCache(this, luid, update);
  }

  public void stop() {
    stopped = true;
  }

  @Override
  public Avatar perspective() {
    return perspective;
  }

  @Override
  public Broker broker() {
    return broker;
  }

  @Override
  public String toString() {
    return "CacheObserver(" + luid + " via " + broker.remoteAddress() + ")";
  }
}
