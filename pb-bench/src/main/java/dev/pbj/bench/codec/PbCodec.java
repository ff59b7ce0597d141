package dev.pbj.bench.codec;

import dev.pbj.Limits;
import dev.pbj.core.ProviderRegistry;
import dev.pbj.core.internal.jelly.CopyResolver;
import dev.pbj.core.internal.jelly.Exporter;
import dev.pbj.core.internal.jelly.Importer;
import dev.pbj.core.internal.jelly.Jellier;
import dev.pbj.core.internal.jelly.Unjellier;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.SerializerProvider;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A PBJ serializer driven the way a connection drives it: PB's Jelly ({@code Jellier}, {@code Unjellier}) over the
 * serializer's encoder and decoder, found by name in the {@link ProviderRegistry}.
 *
 * <p>pb-bench reaches into pb-core's internal Jelly package on purpose: it is our own module, and measuring "a PB
 * message" means measuring Jelly and the codec together, exactly as the broker writes and reads them. What it
 * reproduces of the broker ({@code BrokerImpl.sendCall}/{@code sendAnswer} and {@code MessageReader}) is kept to a
 * few lines here and in {@link BrokerMessageSink}; if the broker's framing changes, change those with it.
 */
public final class PbCodec implements Codec {
  private static final byte[] ROOT = "root".getBytes(StandardCharsets.UTF_8);

  private final MessageEncoder encoder;
  private final Jellier jellier;
  private final MessageDecoder decoder;
  private final BrokerMessageSink received;
  private final Object[] args = new Object[1];
  private long requestId;

  public PbCodec(String serializer) {
    SerializerProvider provider = ProviderRegistry.getDefault().serializer(serializer);
    String dialect = provider.dialects().get(0);
    Limits limits = Limits.defaults();
    this.encoder = provider.newEncoder(dialect, limits);
    this.jellier = new Jellier(Exporter.NONE, Message.COPIES, limits.maxDepth());
    this.received = new BrokerMessageSink(new Unjellier(Importer.NONE, CopyResolver.of(Message.COPIES)));
    this.decoder = provider.newDecoder(dialect, limits, received);
  }

  @Override
  public byte[] encode(Message message) {
    long id = ++requestId;
    jellier.startMessage();
    if (message.kind() == Message.Kind.CALL) {
      args[0] = message.value();
      encoder.beginList(7);
      encoder.symbol("message");
      encoder.integer(id);
      encoder.bytes(ROOT, 0, ROOT.length);
      byte[] method = message.method().getBytes(StandardCharsets.UTF_8);
      encoder.bytes(method, 0, method.length);
      encoder.integer(1);
      jellier.writeTuple(encoder, args, 1, null);
      jellier.writeKeywords(encoder, Map.of());
      encoder.endList();
    } else {
      encoder.beginList(3);
      encoder.symbol("answer");
      encoder.integer(id);
      jellier.write(encoder, message.value(), null);
      encoder.endList();
    }
    return encoder.takeMessage();
  }

  @Override
  public Object decode(byte[] bytes) {
    decoder.feed(ByteBuffer.wrap(bytes));
    return received.take();
  }
}
