/**
 * The TCP transport: {@code tcp://host:port} links on Netty, epoll when its native library loads and NIO
 * otherwise. Start at {@link dev.pbj.tcp.TcpTransportProvider}, which {@link java.util.ServiceLoader} finds for
 * the scheme {@code tcp}; everything else here is package-private and reached through the
 * {@link dev.pbj.spi.Link} and {@link dev.pbj.spi.TransportServer} interfaces.
 *
 * <p>A link is a byte stream: each read is handed to the {@link dev.pbj.spi.LinkHandler} as it arrives, split
 * wherever TCP split it; framing is the serializer's business (banana is self-delimiting). Links know nothing of
 * PB. Every callback of a link runs on its one I/O thread; sends from any thread go out in call order.
 */
package dev.pbj.tcp;
