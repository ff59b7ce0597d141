package dev.pbj;

/**
 * A snapshot of one broker's tables.
 *
 * @param localObjects objects this side has exported to the peer and the peer still references (the root,
 *     served by name, is not counted)
 * @param remoteReferences distinct remote objects this side holds live references to
 * @param pendingCalls calls this side sent that still wait for an answer
 * @param cachedObjects this side's {@link Cacheable}s the peer observes
 * @param remoteCaches the peer's cacheables this side holds a {@link RemoteCache} of (until the peer's uncache)
 */
public record BrokerStats(int localObjects, int remoteReferences, int pendingCalls, int cachedObjects,
    int remoteCaches) {
  /** Nothing exported, held or pending: where every connection's tables return to when its work is done. */
  public static final BrokerStats AT_REST = new BrokerStats(0, 0, 0, 0, 0);
}
