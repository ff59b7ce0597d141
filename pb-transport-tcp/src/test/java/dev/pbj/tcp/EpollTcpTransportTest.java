package dev.pbj.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;

/** The transport contract on epoll, which must load on Linux x86_64 (the native jar the module ships). */
class EpollTcpTransportTest extends TcpTransportContract {

  @BeforeAll
  static void epollLoadsWhereItShould() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
      assertThat(Epoll.isAvailable()).as("epoll on %s/%s: %s", os, arch, Epoll.unavailabilityCause()).isTrue();
    }
    assumeTrue(Epoll.isAvailable(), "epoll is not available here");
  }

  @Override
  TcpTransportProvider.Builder providerBuilder() {
    return TcpTransportProvider.builder().ioThreads(2).epoll(true);
  }

  @Override
  Class<? extends Channel> expectedChannelType() {
    return EpollSocketChannel.class;
  }
}
