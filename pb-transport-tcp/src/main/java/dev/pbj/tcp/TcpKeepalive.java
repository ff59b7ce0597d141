package dev.pbj.tcp;

import dev.pbj.Keepalive;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A link's dead-peer detection at the TCP level: the socket's keepalive probes, which find a peer whose host is gone
 * (the kernel gives up after the idle time and {@value #PROBES} unanswered probes), and Netty's idle handler, which
 * tells the link's handler when the peer has been silent for the keepalive time so that it can ask the peer itself
 * (a process that stopped reading is only found that way: its kernel still answers the probes).
 */
final class TcpKeepalive {
  private static final Logger log = LoggerFactory.getLogger(TcpKeepalive.class);
  static final int PROBES = 3;

  private TcpKeepalive() {}

  /** Turns the keepalive on for {@code channel}, before its link handler is added; nothing if disabled. */
  static void install(Channel channel, Keepalive keepalive) {
    if (!keepalive.enabled()) {
      return;
    }
    int idleSeconds = seconds(keepalive.time().toMillis());
    int intervalSeconds = seconds(keepalive.timeout().toMillis() / PROBES);
    ChannelConfig config = channel.config();
    config.setOption(ChannelOption.SO_KEEPALIVE, true);
    try {
      if (channel instanceof EpollSocketChannel) {
        config.setOption(EpollChannelOption.TCP_KEEPIDLE, idleSeconds);
        config.setOption(EpollChannelOption.TCP_KEEPINTVL, intervalSeconds);
        config.setOption(EpollChannelOption.TCP_KEEPCNT, PROBES);
      } else {
        config.setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds);
        config.setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), intervalSeconds);
        config.setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), PROBES);
      }
    } catch (RuntimeException e) {
      // not every platform lets the times be set; the probes then run on the system's own (long) times
      log.debug("keepalive times not settable on {}: {}", channel, e.toString());
    }
    channel.pipeline().addLast(new IdleStateHandler(keepalive.time().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
  }

  private static int seconds(long millis) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
  }
}
