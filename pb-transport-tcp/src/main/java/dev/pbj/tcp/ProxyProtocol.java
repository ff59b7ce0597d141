package dev.pbj.tcp;

import dev.pbj.TrustedProxies;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HAProxy PROXY protocol on a server's TCP connection: the first bytes are a v1 or v2 header from a trusted
 * proxy naming the client, whose address becomes the link's {@code remoteAddress()}. Installed first in the
 * pipeline (the header comes before TLS); it holds the connection's activation back until the header is read, so
 * the link and its acceptor see the client's address from the start.
 *
 * <p>Refused, and logged once per burst: a connection from an address not trusted, a malformed header, and one
 * that does not arrive within {@value #HEADER_TIMEOUT_SECONDS} seconds. A {@code LOCAL} header (a proxy's health
 * check) and one for an unknown protocol keep the proxy's own address, as the protocol says.
 */
final class ProxyProtocol extends ChannelInboundHandlerAdapter {
  /** The client a proxy named, for {@link TcpLink} to take as the remote address. */
  static final AttributeKey<SocketAddress> CLIENT = AttributeKey.valueOf("pbj.proxyProtocol.client");
  static final long HEADER_TIMEOUT_SECONDS = 10;
  private static final Logger log = LoggerFactory.getLogger(ProxyProtocol.class);
  /** Set while refusals are not being logged (one line per burst); cleared by a header accepted. */
  private static final AtomicBoolean refusing = new AtomicBoolean();

  private final TrustedProxies trusted;
  private ScheduledFuture<?> timeout;
  private boolean active;

  private ProxyProtocol(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  /** Puts the decoder and this handler first in {@code channel}'s pipeline. */
  static void install(Channel channel, TrustedProxies trusted) {
    channel.pipeline().addFirst(new ProxyProtocol(trusted));
    channel.pipeline().addFirst(new HAProxyMessageDecoder());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    SocketAddress peer = ctx.channel().remoteAddress();
    if (!(peer instanceof InetSocketAddress) || !trusted.trusts(((InetSocketAddress) peer).getAddress())) {
      refuse(ctx, "a connection from " + peer + ", which is not a trusted proxy " + trusted);
      return;
    }
    active = true;
    timeout = ctx.executor().schedule(() -> refuse(ctx, "no PROXY header from " + peer + " within "
        + HEADER_TIMEOUT_SECONDS + " s"), HEADER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    // not passed on: the link becomes active once the header has named the client
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HAProxyMessage)) {
      ctx.fireChannelRead(msg); // after the header: the connection's own bytes
      return;
    }
    HAProxyMessage header = (HAProxyMessage) msg;
    try {
      if (!active) {
        return;
      }
      SocketAddress client = clientOf(header);
      if (client != null) {
        ctx.channel().attr(CLIENT).set(client);
      }
    } catch (UnknownHostException e) {
      refuse(ctx, "a PROXY header with a malformed source address " + header.sourceAddress());
      return;
    } finally {
      header.release();
    }
    timeout.cancel(false);
    if (refusing.compareAndSet(true, false)) {
      log.info("PROXY headers accepted again");
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof io.netty.handler.codec.DecoderException && ctx.pipeline().get(ProxyProtocol.class) != null) {
      refuse(ctx, "a malformed PROXY header from " + ctx.channel().remoteAddress() + ": " + cause.getMessage());
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (!active || ctx.pipeline().get(ProxyProtocol.class) != null) {
      return; // refused or closed before the header: the link never became active, so it is not told
    }
    ctx.fireChannelInactive();
  }

  /** The client the header names, or null to keep the proxy's address (LOCAL, or an unknown protocol). */
  private static SocketAddress clientOf(HAProxyMessage header) throws UnknownHostException {
    if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null) {
      return null;
    }
    HAProxyProxiedProtocol protocol = header.proxiedProtocol();
    if (protocol != HAProxyProxiedProtocol.TCP4 && protocol != HAProxyProxiedProtocol.TCP6) {
      return null;
    }
    // the decoder has checked the address is a literal of its family: no lookup happens here
    return new InetSocketAddress(InetAddress.getByName(header.sourceAddress()), header.sourcePort());
  }

  private void refuse(ChannelHandlerContext ctx, String why) {
    active = false;
    if (refusing.compareAndSet(false, true)) {
      log.warn("refused {}; further refusals are not logged until a PROXY header is accepted again", why);
    } else {
      log.debug("refused {}", why);
    }
    ctx.close();
  }
}
