package dev.pbj;

/**
 * A snapshot of one broker's tables.
 *
 * @param localObjects objects this side has exported to the peer and the peer still references (the root,
 *     served by name, is not counted)
 * @param remoteReferences distinct remote objects this side holds live references to
 * @param pendingCalls calls this side sent that still wait for an answer
 */
public record BrokerStats(int localObjects, int remoteReferences, int pendingCalls) {
}
