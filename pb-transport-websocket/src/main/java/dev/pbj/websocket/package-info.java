/**
 * The WebSocket transport: {@code ws://host:port/path} and {@code wss://…} links, served by Undertow and opened over
 * Netty. Start at {@link dev.pbj.websocket.WebSocketTransportProvider}, which
 * {@link java.util.ServiceLoader} finds for the schemes {@code ws} and {@code wss}; everything else here is
 * package-private and reached through the {@link dev.pbj.spi.Link} and {@link dev.pbj.spi.TransportServer}
 * interfaces.
 *
 * <p>A link is framed: one PB message is one binary WebSocket message, handed to the
 * {@link dev.pbj.spi.LinkHandler} whole, and the serializer is agreed in the opening handshake through
 * {@code Sec-WebSocket-Protocol}, whose names are the serializer names. Links know nothing of PB. The pieces:
 * {@code WebSocketLink} (queue, flow control, closing handshake, limits, keepalive, handler calls) with its two sides
 * {@code UndertowLink} and {@code NettyClientLink} (with {@code ClientUpgrade}, the opening handshake);
 * {@code WebSocketServer}, {@code HttpRoutes} and
 * {@code UpgradeGate} (origin and subprotocol checks) on the server; {@code MessageAssembler}, {@code Keepalive}
 * and {@code CloseStatus} shared by both.
 */
package dev.pbj.websocket;
