package dev.pbj.tcp;

import static dev.pbj.tcp.RecordingHandler.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pbj.spi.Link;
import dev.pbj.spi.TransportProvider;
import dev.pbj.spi.TransportServer;
import java.net.URI;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

class TcpTransportProviderTest {

  @Test
  void serviceLoaderFindsItForTheTcpScheme() {
    TransportProvider found = ServiceLoader.load(TransportProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(provider -> provider.schemes().contains("tcp"))
        .findFirst()
        .orElseThrow();
    try (found) {
      assertThat(found).isInstanceOf(TcpTransportProvider.class);
      assertThat(found.isAvailable()).isTrue();
      assertThat(found.schemes()).containsExactly("tcp", "tls");
    }
  }

  @Test
  void constructionStartsNoThreadsAndClosingAnUnusedProviderIsHarmless() {
    var provider = new TcpTransportProvider();
    assertThat(provider.started()).isNull();
    provider.close();
    provider.close();
    assertThat(provider.started()).isNull();
  }

  @Test
  void ioThreadsSetsTheThreadCount() throws Exception {
    try (var provider = TcpTransportProvider.builder().ioThreads(1).build();
        TransportServer server = provider.listen(URI.create("tcp://127.0.0.1:0"), link -> new RecordingHandler())
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      assertThat(server.localAddress().getPort()).isPositive();
      assertThat(provider.started().group.executorCount()).isEqualTo(1);
    }
  }

  @Test
  void builderRejectsNegativeSettings() {
    assertThatThrownBy(() -> TcpTransportProvider.builder().ioThreads(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ioThreads (-1)");
    assertThatThrownBy(() -> TcpTransportProvider.builder().closeGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("closeGrace (PT-1S)");
  }

  @Test
  @ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ_WRITE)
  void epollIsTheDefaultAndThePropertyFalseMakesItNio() throws Exception {
    assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "epoll is not available here");
    TcpTransportProvider.Builder builder;
    System.setProperty(TcpTransportProvider.EPOLL_PROPERTY, "false");
    try {
      builder = TcpTransportProvider.builder();
    } finally {
      System.clearProperty(TcpTransportProvider.EPOLL_PROPERTY);
    }
    try (var provider = builder.ioThreads(1).build();
        TransportServer server = provider.listen(URI.create("tcp://127.0.0.1:0"), link -> new RecordingHandler())
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      Link client = provider.connect(TcpTransportContract.uri(server), link -> new RecordingHandler())
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(((TcpLink) client).channel()).isInstanceOf(io.netty.channel.socket.nio.NioSocketChannel.class);
    }
    try (var provider = TcpTransportProvider.builder().ioThreads(1).build();
        TransportServer server = provider.listen(URI.create("tcp://127.0.0.1:0"), link -> new RecordingHandler())
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      Link client = provider.connect(TcpTransportContract.uri(server), link -> new RecordingHandler())
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(((TcpLink) client).channel()).as("the default")
          .isInstanceOf(io.netty.channel.epoll.EpollSocketChannel.class);
    }
  }
}
