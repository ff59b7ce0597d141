/**
 * The broker, one per connection. {@link dev.pbj.core.internal.Connection} is the transport's handler and the
 * connection's serial context: reads are handed to it, and it decodes ({@code wire}: the dialect handshake and the
 * message reader), keeps the tables, dispatches the peer's calls ({@code dispatch}: methods, argument binding and
 * coercion; run by {@link dev.pbj.core.internal.InboundCalls}), and writes through the
 * {@link dev.pbj.core.internal.Outbox} ({@code jelly}: values to tokens and back).
 * {@link dev.pbj.core.internal.BrokerImpl} is what the application holds and coordinates the parts.
 */
package dev.pbj.core.internal;
