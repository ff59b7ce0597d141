package dev.pbj.spi;

import dev.pbj.ProtocolException;
import java.nio.ByteBuffer;

/**
 * A base for decoders that work on byte arrays: {@link #feed} hands a heap buffer's own array to {@link #decode}
 * without copying and reads a direct or read-only buffer through a scratch array of the feeding thread's, which
 * {@link #decode} must not keep (it keeps what it cannot finish yet in its own buffers, as it does with any input),
 * so that a connection that is fed a transport's buffers in place holds no scratch of its own between reads. The first error (from
 * the decoder or from its sink) leaves the decoder failed: every later {@code feed} throws a
 * {@link ProtocolException} carrying it.
 *
 * <p>An implementation helper rather than contract: it is public here because both serializer modules use it and
 * depend on pb-api alone, and one copy is better than two. Nothing in the SPI requires a decoder to extend it.
 */
public abstract class ByteArrayDecoder implements MessageDecoder {
  private static final int SCRATCH_SIZE = 8192;
  /** One scratch per thread (an I/O thread feeds thousands of decoders); null while in use, for a nested feed. */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_SIZE]);
  private final String name;
  private Throwable failure;

  /** @param name the format's name, for the error of a decoder that already failed */
  protected ByteArrayDecoder(String name) {
    this.name = name;
  }

  /** Decodes {@code in[pos..end)}, the next bytes of the stream; keeps what it cannot finish yet. */
  protected abstract void decode(byte[] in, int pos, int end);

  @Override
  public final void feed(ByteBuffer input) {
    if (failure != null) {
      throw new ProtocolException(name + " decoder already failed: " + failure.getMessage(), failure);
    }
    try {
      if (input.hasArray()) {
        int base = input.arrayOffset();
        int start = base + input.position();
        int end = base + input.limit();
        input.position(input.limit());
        decode(input.array(), start, end);
      } else {
        byte[] scratch = SCRATCH.get();
        SCRATCH.set(null);
        if (scratch == null) {
          scratch = new byte[SCRATCH_SIZE]; // a feed inside a feed on this thread: a scratch of its own
        }
        try {
          while (input.hasRemaining()) {
            int n = Math.min(input.remaining(), scratch.length);
            input.get(scratch, 0, n);
            decode(scratch, 0, n);
          }
        } finally {
          SCRATCH.set(scratch);
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      input.position(input.limit());
      throw e;
    }
  }
}
