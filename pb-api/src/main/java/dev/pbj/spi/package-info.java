/**
 * The provider SPI: what a serializer or a transport module implements to plug into PBJ. Providers are found
 * with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.pbj.spi.SerializerProvider} and
 * {@code …TransportProvider}) or registered explicitly.
 *
 * <p>Layers meet only here: a {@link dev.pbj.spi.TransportProvider} moves bytes through {@link dev.pbj.spi.Link}s
 * and knows nothing of PB; a {@link dev.pbj.spi.SerializerProvider} turns bytes into {@link dev.pbj.spi.TokenSink}
 * events and back and knows nothing of objects; the broker in {@code pb-core} sits above both.
 */
package dev.pbj.spi;
