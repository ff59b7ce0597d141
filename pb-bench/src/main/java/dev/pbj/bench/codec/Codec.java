package dev.pbj.bench.codec;

/**
 * One way of turning a {@link Message} into bytes and back. Not thread-safe: like a connection's codec, an
 * instance serves one thread.
 */
public interface Codec {

  /** Encodes the message into a new array, the way a connection hands bytes to its transport. */
  byte[] encode(Message message);

  /** Decodes one whole message; returns what the receiver gets (the call's arguments or the answer's value). */
  Object decode(byte[] bytes);

  /** The codec names the benchmarks take: {@code banana}, {@code msgpack}, {@code kryo}. */
  static Codec named(String name) {
    return "kryo".equals(name) ? new KryoCodec() : new PbCodec(name);
  }
}
