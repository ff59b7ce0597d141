/**
 * The TCP transport: {@code tcp://host:port} links on Netty, NIO or (when asked for and its native library
 * loads) epoll. Start at {@link dev.pbj.tcp.TcpTransportProvider}, which {@link java.util.ServiceLoader} finds for
 * the scheme {@code tcp}; everything else here is package-private and reached through the
 * {@link dev.pbj.spi.Link} and {@link dev.pbj.spi.TransportServer} interfaces.
 *
 * <p>A link is a byte stream: each read is handed to the {@link dev.pbj.spi.LinkHandler} as it arrives, split
 * wherever TCP split it; framing is the serializer's business (banana is self-delimiting). Links know nothing of
 * PB. Every callback of a link runs on its one I/O thread; sends from any thread go through the channel's
 * pipeline and out in call order. Flow control is Netty's: write buffer water marks from the connection's limits,
 * reported as writability changes, and auto-read switched off and on to pause and resume reading.
 */
package dev.pbj.tcp;
