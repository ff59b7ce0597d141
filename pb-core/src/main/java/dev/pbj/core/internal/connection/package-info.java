/**
 * The broker, one per connection, and its serial context. {@link dev.pbj.core.internal.connection.Connection} is
 * the transport's handler: reads are handed to it, and in its context it decodes ({@code wire}: the dialect handshake
 * and the message reader), keeps the tables ({@code tables}), hands the peer's calls to {@code calls} (which
 * dispatches them with {@code dispatch}), and writes through the {@link dev.pbj.core.internal.connection.Outbox}
 * ({@code jelly}: values to tokens and back). {@link dev.pbj.core.internal.connection.BrokerImpl} is what the
 * application holds and coordinates the parts; the {@link dev.pbj.core.internal.connection.ReadGate} and
 * {@link dev.pbj.core.internal.connection.Writability} are its back-pressure, both ways.
 */
package dev.pbj.core.internal.connection;
