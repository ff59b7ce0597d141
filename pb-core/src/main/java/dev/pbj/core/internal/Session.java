package dev.pbj.core.internal;

import dev.pbj.Broker;
import dev.pbj.ProtocolException;
import dev.pbj.spi.Link;
import dev.pbj.spi.LinkHandler;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.SerializerProvider;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from the transport's point of view: negotiates the dialect (or takes the one the transport
 * agreed), then feeds bytes to the chosen serializer's decoder, whose tokens go to the {@link BrokerImpl}. Runs on
 * the link's I/O thread. A protocol violation closes this connection only and is logged once.
 */
public final class Session implements LinkHandler {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final Link link;
  private final boolean server;
  private final BrokerConfig config;
  /** Dialect name → serializer, in this side's preference order. */
  private final Map<String, SerializerProvider> dialects;
  private final CompletableFuture<Broker> ready;
  private DialectHandshake.Reader handshake;
  private BrokerImpl broker;
  private MessageDecoder decoder;
  /** Whether the transport delimits messages itself (one message per frame). */
  private boolean framed;

  /**
   * @param serializers the serializers this side accepts, preferred first
   * @param ready completes with the broker once the dialect is chosen, or fails if the connection ends first
   */
  public Session(Link link, boolean server, List<SerializerProvider> serializers, BrokerConfig config,
      CompletableFuture<Broker> ready) {
    this.link = link;
    this.server = server;
    this.config = config;
    this.ready = ready;
    this.dialects = new LinkedHashMap<>();
    for (SerializerProvider provider : serializers) {
      for (String dialect : provider.dialects()) {
        dialects.putIfAbsent(dialect, provider);
      }
    }
  }

  /** Starts the connection: a server offers its dialects; a framed link starts with its agreed serializer. */
  public void start() {
    String agreed = link.negotiatedSerializer();
    if (agreed != null) {
      SerializerProvider provider = dialects.values().stream().filter(p -> p.name().equals(agreed)).findFirst()
          .orElseThrow(() -> new ProtocolException("the transport agreed on serializer '" + agreed
              + "', which this side does not accept"));
      framed = true;
      begin(provider, provider.dialects().get(0));
      return;
    }
    handshake = new DialectHandshake.Reader(!server);
    if (server) {
      link.send(DialectHandshake.offer(new ArrayList<>(dialects.keySet())));
    }
  }

  @Override
  public void onBytes(ByteBuffer bytes) {
    int[] reads = CallFuture.startRead();
    try {
      read(bytes);
    } finally {
      CallFuture.endRead(reads);
    }
  }

  private void read(ByteBuffer bytes) {
    if (broker == null) {
      if (handshake == null) {
        throw new ProtocolException("bytes received before the connection started");
      }
      List<String> names = handshake.feed(bytes);
      if (names == null) {
        return;
      }
      handshake = null;
      if (server) {
        accept(names.get(0));
      } else {
        choose(names);
      }
    }
    if (bytes.hasRemaining()) {
      try {
        decoder.feed(bytes);
      } finally {
        broker.readDone();
      }
    }
    if (framed && (decoder.inMessage() || broker.inMessage())) {
      // on a framed link one frame is one whole message: a frame that stops inside one is broken, not split
      throw new ProtocolException("a frame ended in the middle of a message (one message per frame)");
    }
  }

  private void accept(String dialect) {
    SerializerProvider provider = dialects.get(dialect);
    if (provider == null) {
      throw new ProtocolException("the client chose dialect '" + dialect + "', which was not offered "
          + dialects.keySet());
    }
    begin(provider, dialect);
  }

  private void choose(List<String> offered) {
    for (String dialect : offered) {
      SerializerProvider provider = dialects.get(dialect);
      if (provider != null) {
        link.send(DialectHandshake.choice(dialect));
        begin(provider, dialect);
        return;
      }
    }
    ProtocolException refused = new ProtocolException("the server offers dialects " + offered
        + "; this client accepts only " + dialects.keySet() + " (PbClient.builder().serializers(...))");
    ready.completeExceptionally(refused);
    throw refused;
  }

  private void begin(SerializerProvider provider, String dialect) {
    broker = new BrokerImpl(link, provider.name(), dialect, provider.newEncoder(dialect, config.limits()), config);
    decoder = provider.newDecoder(dialect, config.limits(), broker.tokenSink());
    log.debug("{}: speaking {} (dialect {})", link.remoteAddress(), provider.name(), dialect);
    broker.sendVersion();
    ready.complete(broker);
  }

  @Override
  public void onClosed(Throwable cause) {
    if (cause instanceof ProtocolException) {
      log.warn("closed connection with {}: {}", link.remoteAddress(), cause.getMessage());
    } else if (cause != null) {
      log.debug("connection with {} failed", link.remoteAddress(), cause);
    } else if (decoder != null && (decoder.inMessage() || broker.inMessage())) {
      log.warn("connection with {} closed in the middle of a message", link.remoteAddress());
    }
    if (broker == null) {
      ready.completeExceptionally(new dev.pbj.ConnectionLostException("connection with " + link.remoteAddress()
          + " closed before the dialect was chosen" + (cause == null ? "" : ": " + cause), cause));
    } else {
      broker.connectionLost(cause);
    }
  }
}
