package dev.pbj.tcp;

import dev.pbj.TlsOptions;
import dev.pbj.spi.Link;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS on a {@code tls://} channel: Netty's {@link SslHandler} over the JDK's {@code SSLEngine} first in the pipeline,
 * and this handler right behind it, which holds the channel's activation back from the handlers after it until the
 * handshake has succeeded. So a {@link TcpLink} is handed to its acceptor only once the peer is authenticated, and
 * every byte the link sends or receives is encrypted. Afterwards it passes everything on, a TLS failure (the peer's
 * alert) as the {@link SSLException} itself rather than Netty's {@link DecoderException} around it.
 *
 * <p>A failed handshake (an untrusted or misnamed certificate, a client without the certificate the server requires,
 * a peer that is not speaking TLS, or a connection closed midway) fails the client's connect future with the
 * {@link SSLException}; on the server it is logged once at debug level and the channel is closed. With TLS 1.3 a
 * client's handshake is done before the server has checked the client's certificate: a server that refuses it closes
 * the link after it was handed over, with the server's alert as the cause.
 *
 * <p>The peer's close_notify (TLS's end of stream) closes the link, after the bytes it was sent before, as the end of
 * a TCP stream does; a Twisted peer closing its side waits for this side's close_notify before it closes the socket.
 *
 * <p>Back-pressure is unchanged: the bytes {@code SslHandler} holds before encrypting count towards the channel's
 * write buffer water marks and so towards its writability.
 */
final class TlsHandshake extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TlsHandshake.class);

  private enum State { HANDSHAKING, OPEN, FAILED }

  /** The client's connect future; {@code null} on the server. */
  private final CompletableFuture<Link> connected;
  // I/O thread only
  private State state = State.HANDSHAKING;
  private boolean activated;
  private final List<Object> heldReads = new ArrayList<>(0);

  private TlsHandshake(CompletableFuture<Link> connected) {
    this.connected = connected;
  }

  /** Adds TLS for the client side of a connection to {@code host}, before the link's own handlers. */
  static void installClient(Channel channel, TlsOptions tls, String host, int port, CompletableFuture<Link> connected) {
    channel.pipeline().addLast(new SslHandler(tls.newClientEngine(host, port)), new TlsHandshake(connected));
  }

  /** Adds TLS for the server side of an accepted connection, before the link's own handlers. */
  static void installServer(Channel channel, TlsOptions tls) {
    channel.pipeline().addLast(new SslHandler(tls.newServerEngine()), new TlsHandshake(null));
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    activated = true; // passed on once the handshake is done; SslHandler has started it
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    switch (state) {
      case OPEN -> ctx.fireChannelRead(msg);
      case HANDSHAKING -> heldReads.add(msg); // none expected: SslHandler reports the handshake before data after it
      case FAILED -> ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.OPEN) {
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SslHandshakeCompletionEvent && state == State.HANDSHAKING) {
      SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent) event;
      if (handshake.isSuccess()) {
        state = State.OPEN;
        if (activated) {
          ctx.fireChannelActive();
        }
        for (Object msg : heldReads) {
          ctx.fireChannelRead(msg);
        }
        if (!heldReads.isEmpty()) {
          heldReads.clear();
          ctx.fireChannelReadComplete();
        }
      } else {
        failed(ctx, handshake.cause());
      }
      return;
    }
    ctx.fireUserEventTriggered(event);
    if (event instanceof SslCloseCompletionEvent && ((SslCloseCompletionEvent) event).isSuccess()
        && state == State.OPEN) {
      peerClosed(ctx);
    }
  }

  /**
   * The peer's close_notify arrived: it sends nothing more. That is TLS's end of stream, which closes a link as TCP's
   * does (SslHandler only reports it). It must: Twisted's {@code loseConnection} over TLS sends close_notify and keeps
   * its socket open until the peer's answers it, so a link that waited for the socket to close would wait as long
   * as the peer, forever. Closed as the link's own {@code close()} does, after what was sent before.
   */
  private static void peerClosed(ChannelHandlerContext ctx) {
    TcpLink link = ctx.pipeline().get(TcpLink.class);
    if (link != null) {
      link.close();
    } else {
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable unwrapped = cause instanceof DecoderException && cause.getCause() instanceof SSLException
        ? cause.getCause() : cause;
    switch (state) {
      case OPEN -> ctx.fireExceptionCaught(unwrapped);
      // SslHandler reports a failed handshake twice, as an event and as this, which may come first
      case HANDSHAKING -> failed(ctx, unwrapped);
      case FAILED -> { } // reported once already
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.HANDSHAKING) {
      failed(ctx, new SSLException("the connection closed during the TLS handshake"));
    }
    ctx.fireChannelInactive(); // the link, never activated, ignores it
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    heldReads.forEach(ReferenceCountUtil::release);
    heldReads.clear();
  }

  private void failed(ChannelHandlerContext ctx, Throwable cause) {
    state = State.FAILED;
    heldReads.forEach(ReferenceCountUtil::release);
    heldReads.clear();
    SSLException failure = cause instanceof SSLException ? (SSLException) cause
        : new SSLException("TLS handshake failed: " + cause, cause);
    if (connected != null) {
      connected.completeExceptionally(failure);
    } else {
      log.debug("TLS handshake with {} failed; connection closed: {}", ctx.channel().remoteAddress(),
          failure.toString());
    }
    ctx.close();
  }
}
