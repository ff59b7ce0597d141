package dev.pbj.tcp;

import static dev.pbj.tcp.RecordingHandler.TIMEOUT_SECONDS;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbj.Limits;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkAcceptor;
import dev.pbj.spi.LinkHandler;
import dev.pbj.spi.TransportServer;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every flavour of the TCP transport (epoll, NIO) must show; subclasses pick the flavour. Each test
 * has its own provider, loopback addresses and ephemeral ports, so tests run in parallel.
 */
abstract class TcpTransportContract {

  /** One connection as the server's acceptor saw it. */
  record Accepted(Link link, RecordingHandler handler) {}

  private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
  TcpTransportProvider provider;

  /** A builder for the flavour under test. */
  abstract TcpTransportProvider.Builder providerBuilder();

  abstract Class<? extends Channel> expectedChannelType();

  @BeforeEach
  void startProvider() {
    provider = providerBuilder().build();
  }

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  @Test
  void exchangesBytesBothWays() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      client.send(ascii("ping"));
      assertThat(peer.handler().awaitBytes(4)).asString(US_ASCII).isEqualTo("ping");
      peer.link().send(ascii("pong"));
      assertThat(clientHandler.awaitBytes(4)).asString(US_ASCII).isEqualTo("pong");

      assertThat(((TcpLink) client).channel()).isInstanceOf(expectedChannelType());
      assertThat(((TcpLink) peer.link()).channel()).isInstanceOf(expectedChannelType());
      assertThat(client.remoteAddress()).isEqualTo(server.localAddress());
      assertThat(peer.link().remoteAddress()).isEqualTo(client.localAddress());
      assertThat(client.negotiatedSerializer()).isNull();
    }
  }

  @Test
  void oneMebibyteSentAsManyMessagesArrivesWholeAndInOrderBothWays() throws Exception {
    byte[] upstream = randomBytes(1 << 20, 1);
    byte[] downstream = randomBytes(1 << 20, 2);
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      int upMessages = sendInRandomPieces(client, upstream, 3);
      int downMessages = sendInRandomPieces(peer.link(), downstream, 4);

      assertThat(upMessages).isGreaterThan(100);
      assertThat(downMessages).isGreaterThan(100);
      assertThat(peer.handler().awaitBytes(upstream.length)).isEqualTo(upstream);
      assertThat(clientHandler.awaitBytes(downstream.length)).isEqualTo(downstream);
    }
  }

  @Test
  void messagesFromManyThreadsArriveWholeAndInEachSendersOrder() throws Exception {
    int senders = 4;
    int perSender = 1_500;
    try (TransportServer server = listen()) {
      Link client = connect(server, new RecordingHandler());
      Accepted peer = nextAccepted();
      java.util.List<CompletableFuture<Long>> sending = new java.util.ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int sender = s;
        // each sender's messages are sent in order by its thread; some are large enough to fill the socket
        sending.add(CompletableFuture.supplyAsync(() -> {
          long bytes = 0;
          for (int seq = 0; seq < perSender; seq++) {
            int size = seq % 250 == 0 ? 300_000 : 12 + seq % 40;
            java.nio.ByteBuffer message = java.nio.ByteBuffer.allocate(size);
            message.putInt(size).putInt(sender).putInt(seq);
            while (message.hasRemaining()) {
              message.put((byte) (sender * 31 + seq));
            }
            client.send(message.array());
            bytes += size;
          }
          return bytes;
        }, command -> new Thread(command, "sender-" + sender).start()));
      }
      long total = 0;
      for (CompletableFuture<Long> sent : sending) {
        total += sent.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
      java.nio.ByteBuffer stream = java.nio.ByteBuffer.wrap(peer.handler().awaitBytes((int) total));
      int[] nextSeq = new int[senders];
      while (stream.hasRemaining()) {
        int size = stream.getInt();
        int sender = stream.getInt();
        int seq = stream.getInt();
        assertThat(seq).as("sender %d's next message", sender).isEqualTo(nextSeq[sender]++);
        for (int i = 12; i < size; i++) {
          assertThat(stream.get()).isEqualTo((byte) (sender * 31 + seq));
        }
      }
      assertThat(nextSeq).containsOnly(perSender);
    }
  }

  @Test
  void acceptorsRunBeforeAnyBytesAreDeliveredOnAnIoThread() throws Exception {
    byte[] greeting = randomBytes(64 * 1024, 5);
    var serverAcceptorThread = new AtomicReference<Thread>();
    // Both sides write from inside their acceptor: nothing the peer sends may reach a link before its handler.
    TransportServer server = provider.listen(URI.create("tcp://127.0.0.1:0"), link -> {
      serverAcceptorThread.set(Thread.currentThread());
      sendInRandomPieces(link, greeting, 6);
      var handler = new RecordingHandler();
      accepted.add(new Accepted(link, handler));
      return handler;
    }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (server) {
      var clientHandler = new RecordingHandler();
      var linkGivenToAcceptor = new AtomicReference<Link>();
      var clientAcceptorThread = new AtomicReference<Thread>();
      Link client = provider.connect(uri(server), link -> {
        linkGivenToAcceptor.set(link);
        clientAcceptorThread.set(Thread.currentThread());
        link.send(ascii("hello"));
        return clientHandler;
      }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Accepted peer = nextAccepted();

      assertThat(client).isSameAs(linkGivenToAcceptor.get());
      assertThat(clientHandler.awaitBytes(greeting.length)).isEqualTo(greeting);
      assertThat(peer.handler().awaitBytes(5)).asString(US_ASCII).isEqualTo("hello");
      for (Thread acceptorThread : new Thread[] {serverAcceptorThread.get(), clientAcceptorThread.get()}) {
        assertThat(acceptorThread.getName()).matches("pbj-tcp-io-\\d+");
        assertThat(acceptorThread.isDaemon()).isTrue();
      }
      assertThat(clientHandler.bytesThread()).isEqualTo(clientAcceptorThread.get().getName());
      assertThat(peer.handler().bytesThread()).isEqualTo(serverAcceptorThread.get().getName());
    }
  }

  @Test
  void clientCloseIsOrderlyOnBothSidesAndLaterSendsAreIgnored() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      client.close();
      client.close();
      client.send(ascii("too late"));

      assertThat(peer.handler().awaitClosed()).isNull();
      assertThat(clientHandler.awaitClosed()).isNull();
      client.send(ascii("later still"));
      client.close();
      assertThat(peer.handler().receivedSoFar()).isEmpty();
      assertThat(peer.handler().closeCount()).isEqualTo(1);
      assertThat(clientHandler.closeCount()).isEqualTo(1);
    }
  }

  @Test
  void serverSideCloseIsOrderlyOnBothSides() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      peer.link().close();
      peer.link().close();

      assertThat(clientHandler.awaitClosed()).isNull();
      assertThat(peer.handler().awaitClosed()).isNull();
      client.send(ascii("to nobody")); // the peer is gone: dropped quietly
      assertThat(clientHandler.closeCount()).isEqualTo(1);
      assertThat(peer.handler().closeCount()).isEqualTo(1);
    }
  }

  @Test
  void closeWritesEverythingSentBeforeIt() throws Exception {
    byte[] payload = randomBytes(4 << 20, 7);
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      sendInRandomPieces(client, payload, 8);
      client.close();

      assertThat(peer.handler().awaitClosed()).isNull();
      assertThat(peer.handler().receivedSoFar()).isEqualTo(payload);
      assertThat(clientHandler.awaitClosed()).isNull();
    }
  }

  @Test
  void closeGivesUpOnAPeerThatDoesNotReadAfterTheGrace() throws Exception {
    try (var impatient = providerBuilder().closeGrace(Duration.ofMillis(200)).build();
        var peer = new ServerSocket()) {
      peer.setReceiveBufferSize(64 * 1024); // no autotuning: the kernel holds little for a peer that never reads
      peer.bind(new InetSocketAddress("127.0.0.1", 0));
      var clientHandler = new RecordingHandler();
      Link client = impatient.connect(URI.create("tcp://127.0.0.1:" + peer.getLocalPort()), link -> clientHandler)
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      try (Socket neverReads = peer.accept()) {
        sendInRandomPieces(client, new byte[16 << 20], 9);
        client.close();

        assertThat(clientHandler.awaitClosed())
            .isInstanceOf(IOException.class)
            .hasMessageContaining("did not read them within 200 ms");
      }
    }
  }

  @Test
  void handlerExceptionClosesOnlyItsLinkAndReachesOnClosed() throws Exception {
    var boom = new IllegalStateException("handler failed on purpose");
    var connections = new AtomicInteger();
    TransportServer server = provider.listen(URI.create("tcp://127.0.0.1:0"), link -> {
      var handler = connections.getAndIncrement() == 0 ? new RecordingHandler(boom) : new RecordingHandler();
      accepted.add(new Accepted(link, handler));
      return handler;
    }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (server) {
      var firstClientHandler = new RecordingHandler();
      Link first = connect(server, firstClientHandler);
      Accepted firstPeer = nextAccepted();
      first.send(ascii("trigger"));

      assertThat(firstPeer.handler().awaitClosed()).isSameAs(boom);
      assertThat(firstClientHandler.awaitClosed()).isNull(); // the server closed its side in order
      assertThat(firstPeer.handler().closeCount()).isEqualTo(1);

      var secondClientHandler = new RecordingHandler();
      Link second = connect(server, secondClientHandler);
      Accepted secondPeer = nextAccepted();
      second.send(ascii("still serving?"));
      assertThat(secondPeer.handler().awaitBytes(14)).asString(US_ASCII).isEqualTo("still serving?");
      secondPeer.link().send(ascii("yes"));
      assertThat(secondClientHandler.awaitBytes(3)).asString(US_ASCII).isEqualTo("yes");
    }
  }

  @Test
  void connectionResetByThePeerReachesOnClosedAsTheIoError() throws Exception {
    try (var peer = new ServerSocket()) {
      peer.bind(new InetSocketAddress("127.0.0.1", 0));
      var clientHandler = new RecordingHandler();
      provider.connect(URI.create("tcp://127.0.0.1:" + peer.getLocalPort()), link -> clientHandler)
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      try (Socket accepted = peer.accept()) {
        accepted.setSoLinger(true, 0); // close with a reset instead of a FIN
      }

      assertThat(clientHandler.awaitClosed()).isInstanceOf(IOException.class);
      assertThat(clientHandler.closeCount()).isEqualTo(1);
    }
  }

  @Test
  void acceptorExceptionFailsTheConnectOrDropsTheAcceptedConnection() throws Exception {
    var refused = new IllegalStateException("client acceptor refuses");
    try (TransportServer server = listen()) {
      CompletableFuture<Link> connecting = provider.connect(uri(server), link -> {
        throw refused;
      });
      assertThatThrownBy(() -> connecting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isSameAs(refused);
      assertThat(nextAccepted().handler().awaitClosed()).isNull();
    }

    TransportServer refusing = provider.listen(URI.create("tcp://127.0.0.1:0"), link -> {
      throw new IllegalStateException("server acceptor refuses");
    }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (refusing) {
      var clientHandler = new RecordingHandler();
      connect(refusing, clientHandler);
      assertThat(clientHandler.awaitClosed()).isNull();
    }
  }

  @Test
  void connectToAPortNobodyListensOnFailsWithConnectException() throws Exception {
    // A bound socket that does not listen holds the port, so the refusal cannot race another test's listener.
    try (var reserved = new Socket()) {
      reserved.bind(new InetSocketAddress("127.0.0.1", 0));
      var acceptorCalls = new AtomicInteger();
      CompletableFuture<Link> connecting =
          provider.connect(URI.create("tcp://127.0.0.1:" + reserved.getLocalPort()), link -> {
            acceptorCalls.incrementAndGet();
            return new RecordingHandler();
          });

      assertThatThrownBy(() -> connecting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ConnectException.class);
      assertThat(acceptorCalls).hasValue(0);
    }
  }

  @Test
  void connectToAnUnknownHostFailsWithUnknownHostException() {
    CompletableFuture<Link> connecting =
        provider.connect(URI.create("tcp://pbj-no-such-host.invalid:8789"), link -> new RecordingHandler());

    assertThatThrownBy(() -> connecting.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(UnknownHostException.class);
  }

  @Test
  void urisThatAreNotTcpHostPortFailWithIllegalArgumentExceptionAndStartNoThreads() {
    for (String uri : new String[] {"ws://127.0.0.1:8790/pb", "tcp://127.0.0.1", "tcp:///no-host"}) {
      assertThat(provider.connect(URI.create(uri), link -> new RecordingHandler()))
          .as(uri).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(IllegalArgumentException.class);
      assertThat(provider.listen(URI.create(uri), link -> new RecordingHandler()))
          .as(uri).failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(IllegalArgumentException.class);
    }
    assertThat(provider.started()).isNull();
  }

  @Test
  void serverCloseClosesTheLinksItAccepted() throws Exception {
    TransportServer server = listen();
    var clientHandlers = new RecordingHandler[] {new RecordingHandler(), new RecordingHandler()};
    for (RecordingHandler handler : clientHandlers) {
      connect(server, handler);
    }
    Accepted[] peers = {nextAccepted(), nextAccepted()};

    server.close();
    server.close();

    for (int i = 0; i < 2; i++) {
      assertThat(clientHandlers[i].awaitClosed()).isNull();
      assertThat(peers[i].handler().awaitClosed()).isNull();
    }
  }

  @Test
  void providerCloseClosesItsServersAndLinksAndStopsItsThreads() throws Exception {
    TransportServer server = listen();
    var clientHandler = new RecordingHandler();
    connect(server, clientHandler);
    Accepted peer = nextAccepted();

    provider.close();

    assertThat(clientHandler.awaitClosed()).isNull();
    assertThat(peer.handler().awaitClosed()).isNull();
    assertThat(provider.started().group.isTerminated()).isTrue();
    assertThat(provider.connect(uri(server), link -> new RecordingHandler()))
        .failsWithin(0, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);
    server.close(); // harmless after the provider closed it
  }

  // --- flow control

  @Test
  void writeBufferWaterMarksComeFromTheAcceptorsLimitsOnBothSides() throws Exception {
    TransportServer server = provider.listen(URI.create("tcp://127.0.0.1:0"),
        acceptor(SMALL_MARKS, link -> {
          var handler = new RecordingHandler();
          accepted.add(new Accepted(link, handler));
          return handler;
        })).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (server) {
      Link client = provider.connect(uri(server), acceptor(SMALL_MARKS, link -> new RecordingHandler()))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Accepted peer = nextAccepted();
      for (Link link : new Link[] {client, peer.link()}) {
        var config = ((TcpLink) link).channel().config();
        assertThat(config.getWriteBufferHighWaterMark()).isEqualTo(HIGH_MARK);
        assertThat(config.getWriteBufferLowWaterMark()).isEqualTo(LOW_MARK);
        assertThat(link.unwrittenBytes()).isZero();
      }
    }
  }

  @Test
  void aPeerThatDoesNotReadMakesTheLinkUnwritableUntilItReadsAgain() throws Exception {
    int chunk = 64 * 1024;
    int maxChunks = 1_000; // far more than the kernel's buffers and the high mark hold
    try (var peer = new ServerSocket()) {
      peer.setReceiveBufferSize(64 * 1024); // no autotuning: the kernel holds little for a peer that does not read
      peer.bind(new InetSocketAddress("127.0.0.1", 0));
      var handler = new RecordingHandler();
      Link link = provider.connect(URI.create("tcp://127.0.0.1:" + peer.getLocalPort()),
          acceptor(SMALL_MARKS, handler::attach)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      try (Socket slowReader = peer.accept()) {
        int sent = 0;
        // Output may cross the marks both ways while the kernel's buffers still take bytes; once they are full it
        // stays above the high mark. Writes of this thread wait in the I/O thread's queue, counted at once, and
        // the change is reported when that thread gets to it: past the mark, let it catch up before sending more.
        while (sent < maxChunks) {
          if (link.unwrittenBytes() > HIGH_MARK) {
            ((TcpLink) link).channel().eventLoop().submit(() -> {}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!handler.lastWritability() && link.unwrittenBytes() > HIGH_MARK) {
              break;
            }
          }
          byte[] message = new byte[chunk];
          Arrays.fill(message, (byte) sent++);
          link.send(message);
        }
        assertThat(sent).as("64 KiB messages sent before the link stayed unwritable").isLessThan(maxChunks);
        assertThat(handler.lastWritability()).isFalse();
        assertThat(handler.writabilityChanges()).first().isEqualTo(false);
        // Reported only while unwritable, so never below the low mark, however late Netty fired it.
        assertThat(handler.unwrittenAtChanges().get(0)).isGreaterThanOrEqualTo(LOW_MARK);
        assertThat(link.unwrittenBytes()).isGreaterThan(HIGH_MARK);

        CompletableFuture<byte[]> read = readToTheEnd(slowReader);
        handler.awaitWritability(true);
        List<Boolean> changes = handler.writabilityChanges();
        for (int i = 0; i < changes.size(); i++) {
          assertThat(changes.get(i)).as("change %d of %s", i, changes).isEqualTo(i % 2 == 1);
        }
        link.close();
        byte[] received = read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(received).hasSize(sent * chunk);
        for (int i = 0; i < received.length; i += chunk) {
          int message = i / chunk;
          assertThat(Arrays.copyOfRange(received, i, i + chunk)).as("message %d", message)
              .containsOnly((byte) message);
        }
        assertThat(handler.awaitClosed()).isNull();
        assertThat(link.unwrittenBytes()).isZero();
      }
    }
  }

  @Test
  void pauseReadingStopsDeliveryAndResumeReadingDeliversEverythingInOrder() throws Exception {
    try (TransportServer server = listen(); SocketChannel peer = SocketChannel.open(server.localAddress())) {
      Accepted served = nextAccepted();
      writeFully(peer, ascii("hello"));
      assertThat(served.handler().awaitBytes(5)).asString(US_ASCII).isEqualTo("hello");

      served.link().pauseReading();
      served.link().pauseReading();
      // A read the I/O thread had under way may still deliver; a task queued after the pause runs after it.
      ((TcpLink) served.link()).channel().eventLoop().submit(() -> {}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      int before = served.handler().receivedSoFar().length;

      var sent = new ByteArrayOutputStream();
      sent.write(served.handler().receivedSoFar());
      peer.configureBlocking(false);
      var random = new Random(11);
      // Until the socket buffers are full (the write would block), or a cap the kernel could in theory hold.
      while (sent.size() < 32 << 20) {
        byte[] chunk = new byte[64 * 1024];
        random.nextBytes(chunk);
        ByteBuffer out = ByteBuffer.wrap(chunk);
        int written = peer.write(out);
        sent.write(chunk, 0, written);
        if (out.hasRemaining()) {
          break;
        }
      }
      assertThat(sent.size()).isGreaterThan(before);
      assertThat(served.handler().bytesArriveWithin(before + 1, Duration.ofMillis(300)))
          .as("bytes delivered while paused").isFalse();

      served.link().resumeReading();
      served.link().resumeReading();
      assertThat(served.handler().awaitBytes(sent.size())).isEqualTo(sent.toByteArray());
    }
  }

  @Test
  void resumeReadingAfterCloseDoesNotReadAgain() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      client.pauseReading();
      client.close();
      client.resumeReading();

      assertThat(clientHandler.awaitClosed()).isNull();
      assertThat(((TcpLink) client).channel().config().isAutoRead()).isFalse();
      assertThat(peer.handler().awaitClosed()).isNull();
    }
  }

  @Test
  void aRunOfSendsEndedByMoreToComeFalseArrivesWholeAndInOrder() throws Exception {
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      Accepted peer = nextAccepted();

      client.send(ascii("first,"), true);
      client.send(ascii("second,"), true);
      client.send(ascii("last"), false);
      assertThat(peer.handler().awaitBytes(17)).asString(US_ASCII).isEqualTo("first,second,last");

      // The same from the I/O thread, which writes without the hand-off.
      ((TcpLink) peer.link()).channel().eventLoop().execute(() -> {
        peer.link().send(ascii("one,"), true);
        peer.link().send(ascii("two"), false);
      });
      assertThat(clientHandler.awaitBytes(7)).asString(US_ASCII).isEqualTo("one,two");
    }
  }

  @Test
  void aLongRunOfSmallAndBigSendsOnTheIoThreadArrivesWholeAndInOrderAndIsCountedAsUnwritten() throws Exception {
    // small messages are gathered into buffers on the I/O thread: a run longer than one buffer, with a message
    // bigger than a buffer in the middle, must arrive as sent; until the run ends its bytes count as unwritten
    try (TransportServer server = listen()) {
      var clientHandler = new RecordingHandler();
      connect(server, clientHandler);
      Accepted peer = nextAccepted();
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      List<byte[]> run = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        run.add(i == 1_500 ? randomBytes(100 * 1024, 5) : ascii(i + ","));
      }
      run.forEach(expected::writeBytes);
      CompletableFuture<Long> unwrittenBeforeTheEnd = new CompletableFuture<>();
      ((TcpLink) peer.link()).channel().eventLoop().execute(() -> {
        long sent = 0;
        for (int i = 0; i < run.size() - 1; i++) {
          peer.link().send(run.get(i), true);
          sent += run.get(i).length;
        }
        unwrittenBeforeTheEnd.complete(peer.link().unwrittenBytes() - sent);
        peer.link().send(run.get(run.size() - 1), false);
      });
      // nothing can have reached the socket before the flush at the end of the run
      assertThat(unwrittenBeforeTheEnd.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
      byte[] received = clientHandler.awaitBytes(expected.size());
      assertThat(Arrays.equals(received, expected.toByteArray())).isTrue();
    }
  }

  @Test
  void aSendOnTheIoThreadStaysBehindAnEarlierSendOfAnotherThread() throws Exception {
    byte[] first = randomBytes(256 * 1024, 12);
    byte[] second = ascii("second");
    TransportServer server = provider.listen(URI.create("tcp://127.0.0.1:0"), link -> new LinkHandler() {
      @Override
      public void onBytes(ByteBuffer bytes) {
        bytes.position(bytes.limit());
        // While this I/O thread is busy here, another thread's send waits in its task queue; the join orders
        // that send before the next one, as a serial context moving between threads would.
        Thread other = new Thread(() -> link.send(first), "other-sender");
        other.start();
        try {
          other.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        link.send(second);
      }

      @Override
      public void onClosed(Throwable cause) {}
    }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (server) {
      var clientHandler = new RecordingHandler();
      Link client = connect(server, clientHandler);
      client.send(ascii("go"));

      byte[] received = clientHandler.awaitBytes(first.length + second.length);
      assertThat(Arrays.copyOfRange(received, first.length, received.length)).as("the last bytes")
          .asString(US_ASCII).isEqualTo("second");
      assertThat(Arrays.equals(received, 0, first.length, first, 0, first.length))
          .as("the other thread's 256 KiB came first").isTrue();
    }
  }

  // --- helpers

  static final int HIGH_MARK = 256 * 1024;
  static final int LOW_MARK = 64 * 1024;
  static final Limits SMALL_MARKS =
      Limits.builder().outboundHighWaterMark(HIGH_MARK).outboundLowWaterMark(LOW_MARK).build();

  /** An acceptor with {@code limits} whose handlers {@code handlers} makes. */
  static LinkAcceptor acceptor(Limits limits, Function<Link, LinkHandler> handlers) {
    return new LinkAcceptor() {
      @Override
      public LinkHandler accept(Link link) {
        return handlers.apply(link);
      }

      @Override
      public Limits limits() {
        return limits;
      }
    };
  }

  /** Reads {@code socket} until the peer closes, on a thread of its own. */
  static CompletableFuture<byte[]> readToTheEnd(Socket socket) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return socket.getInputStream().readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, command -> new Thread(command, "reader").start());
  }

  static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(bytes);
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  TransportServer listen() throws Exception {
    return provider.listen(URI.create("tcp://127.0.0.1:0"), link -> {
      var handler = new RecordingHandler();
      accepted.add(new Accepted(link, handler));
      return handler;
    }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  Link connect(TransportServer server, RecordingHandler handler) throws Exception {
    return provider.connect(uri(server), link -> handler).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  Accepted nextAccepted() throws InterruptedException {
    Accepted next = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).as("an accepted connection").isNotNull();
    return next;
  }

  static URI uri(TransportServer server) {
    return URI.create("tcp://127.0.0.1:" + server.localAddress().getPort());
  }

  static byte[] ascii(String text) {
    return text.getBytes(US_ASCII);
  }

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Sends {@code payload} as messages of 1 to 8192 bytes; returns how many. */
  static int sendInRandomPieces(Link link, byte[] payload, long seed) {
    var random = new Random(seed);
    int messages = 0;
    for (int from = 0; from < payload.length; messages++) {
      int to = Math.min(payload.length, from + 1 + random.nextInt(8192));
      link.send(Arrays.copyOfRange(payload, from, to));
      from = to;
    }
    return messages;
  }
}
