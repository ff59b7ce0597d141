/**
 * State shared by several PBJ servers through Redis: each shared {@code Cacheable} keeps its changes in a
 * {@link dev.pbj.cluster.redis.SharedLog}, an append-only log in Redis whose every entry is published to the servers
 * that observe it, so that an observer connected to one server sees a change made through another.
 *
 * <p>Start with {@link dev.pbj.cluster.redis.RedisCluster#connect(java.net.URI)}, then
 * {@link dev.pbj.cluster.redis.RedisCluster#log(String, java.util.function.Consumer)} once per shared object: the
 * consumer applies each change (to the object and its observers) once, in the log's order, on every server.
 *
 * <p>How it stays in order and exactly once. One Lua script appends an entry to the log's list and publishes it in
 * the same step, so the list position is the entry's sequence number and the publish order is the list order (Redis
 * runs a script alone). A server subscribes first, then reads the list from the first entry it has not applied, and
 * drops any published entry whose number it has applied. The log also holds a random <em>epoch</em>, written with
 * its first entry: a Redis that lost its data (restarted without persistence) has a new epoch, so a server starts
 * that log over from its first entry instead of taking entry 1 for one it already has. A server that has no Redis
 * applies its own changes at once, for its own observers only, logs the loss once, reports it through
 * {@link dev.pbj.cluster.redis.RedisCluster#connected()}, and reconnects with backoff. A change whose append failed
 * without an answer is applied locally and remembered by its origin id, so that if it did reach the log it is not
 * applied a second time.
 *
 * <p>Why Jedis rather than Lettuce: the module needs two plain connections (commands and one subscription) and
 * wants to see every disconnect itself, to resynchronise; Jedis gives exactly that in one small jar (plus
 * commons-pool2, gson and org.json, which it declares), while Lettuce brings Netty and Reactor and reconnects and
 * resubscribes on its own, which hides the moment a resync is due.
 */
package dev.pbj.cluster.redis;
