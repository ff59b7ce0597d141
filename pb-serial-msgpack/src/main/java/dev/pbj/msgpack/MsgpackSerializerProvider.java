package dev.pbj.msgpack;

import dev.pbj.Limits;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.spi.TokenSink;
import java.util.List;

/**
 * The {@code msgpack} serializer: PB's token stream as length-prefixed MessagePack frames, in its one dialect
 * {@code msgpack}. Only PBJ peers speak it (a PBJ server offers it ahead of banana's dialects; Twisted never picks
 * it), so its priority, 6, is above banana's 5. Found by {@link java.util.ServiceLoader}; stateless and
 * thread-safe. The wire format is described in the {@linkplain dev.pbj.msgpack package documentation}.
 */
public final class MsgpackSerializerProvider implements SerializerProvider {
  private static final List<String> DIALECTS = List.of(WireFormat.DIALECT);
  private static final boolean MSGPACK_CORE_PRESENT = isPresent("org.msgpack.core.MessagePack");

  @Override
  public String name() {
    return "msgpack";
  }

  @Override
  public List<String> dialects() {
    return DIALECTS;
  }

  /** Whether msgpack-core is on the class path (a hand-made fat jar may have left it out). */
  @Override
  public boolean isAvailable() {
    return MSGPACK_CORE_PRESENT;
  }

  @Override
  public int priority() {
    return 6;
  }

  /** @throws IllegalArgumentException for a dialect other than {@code msgpack} */
  @Override
  public MessageEncoder newEncoder(String dialect, Limits limits) {
    checkDialect(dialect);
    return new MsgpackEncoder(limits);
  }

  /** @throws IllegalArgumentException for a dialect other than {@code msgpack} */
  @Override
  public MessageDecoder newDecoder(String dialect, Limits limits, TokenSink sink) {
    checkDialect(dialect);
    return new MsgpackDecoder(limits, sink);
  }

  private static void checkDialect(String dialect) {
    if (!WireFormat.DIALECT.equals(dialect)) {
      throw new IllegalArgumentException("unknown msgpack dialect: " + dialect + " (expected: msgpack)");
    }
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, MsgpackSerializerProvider.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
