/**
 * The calls of one connection, both ways: the peer's calls served in arrival order on the executor
 * ({@link dev.pbj.core.internal.calls.InboundCalls}), the calls this side makes and the answers they wait for
 * ({@link dev.pbj.core.internal.calls.OutgoingCalls}, {@link dev.pbj.core.internal.calls.PendingCalls}), the
 * interceptor chains around both, and failures converted to and from Twisted's failure record. One update to many
 * observers has its plain arguments encoded once per serializer encoding ({@link
 * dev.pbj.core.internal.calls.SharedArguments}), which each connection's outbox copies into its own message.
 */
package dev.pbj.core.internal.calls;
