/**
 * PBJ's public API: Twisted's Perspective Broker for Java.
 *
 * <p>Start with {@link dev.pbj.RemoteReference} (what a caller holds), {@link dev.pbj.Referenceable} and
 * {@link dev.pbj.Remote} (what a server exposes), and {@link dev.pbj.Broker} (one per connection). Values that
 * cross the wire map onto Java as documented on {@link dev.pbj.Tuple}, {@link dev.pbj.Bytes} and
 * {@link dev.pbj.FrozenSet}; failures are subclasses of {@link dev.pbj.PbException}. The provider SPI that
 * serializers and transports implement lives in {@link dev.pbj.spi}.
 */
package dev.pbj;
