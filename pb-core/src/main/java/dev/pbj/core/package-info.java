/**
 * PBJ's engine: start with {@link dev.pbj.core.PbServer} to serve a root object and {@link dev.pbj.core.PbClient}
 * to connect to one; {@link dev.pbj.core.ProviderRegistry} finds serializers and transports. Everything under
 * {@code dev.pbj.core.internal} is implementation.
 */
package dev.pbj.core;
