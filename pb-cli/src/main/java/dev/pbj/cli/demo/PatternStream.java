package dev.pbj.cli.demo;

import java.io.InputStream;
import java.util.Objects;

/** The demo's paging payload: {@code length} bytes where byte {@code i} is {@code i % 251}, made as they are read. */
public final class PatternStream extends InputStream {
  /** The pattern's period: a prime, so pages of any power-of-two size differ from one another. */
  public static final int PERIOD = 251;
  private final long length;
  private long position;

  public PatternStream(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative");
    }
    this.length = length;
  }

  @Override
  public int read() {
    if (position >= length) {
      return -1;
    }
    return (int) (position++ % PERIOD);
  }

  @Override
  public int read(byte[] buffer, int offset, int count) {
    Objects.checkFromIndexSize(offset, count, buffer.length);
    if (count == 0) {
      return 0;
    }
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(count, length - position);
    int value = (int) (position % PERIOD);
    for (int i = 0; i < n; i++) {
      buffer[offset + i] = (byte) value;
      if (++value == PERIOD) {
        value = 0;
      }
    }
    position += n;
    return n;
  }
}
