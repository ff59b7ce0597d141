package dev.pbj.core.internal.jelly;

import dev.pbj.Bytes;
import dev.pbj.ProtocolException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/** Python's date and time values, spelled as decimal fields separated by spaces. */
final class UnjellyTimeValues {
  private UnjellyTimeValues() {}

  static Object parse(JellyTag tag, Object value) {
    if (!(value instanceof Bytes)) {
      throw new ProtocolException("(" + tag.word + " x) needs a byte string: got " + BriefValue.of(value));
    }
    String[] parts = ((Bytes) value).utf8().trim().split(" ");
    long[] f = new long[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        f[i] = Long.parseLong(parts[i]);
      }
      switch (tag) {
        case DATETIME:
          return LocalDateTime.of((int) f[0], (int) f[1], (int) f[2], field(f, 3), field(f, 4), field(f, 5),
              field(f, 6) * 1000);
        case DATE:
          return LocalDate.of((int) f[0], (int) f[1], (int) f[2]);
        case TIME:
          return LocalTime.of((int) f[0], field(f, 1), field(f, 2), field(f, 3) * 1000);
        case TIMEDELTA:
          return Duration.ofDays(f[0]).plusSeconds(f[1]).plusNanos(f[2] * 1000);
        default:
          throw new AssertionError(tag);
      }
    } catch (RuntimeException e) {
      if (e instanceof ProtocolException) {
        throw e;
      }
      throw new ProtocolException("malformed (" + tag.word + " \"" + ((Bytes) value).utf8() + "\")", e);
    }
  }

  private static int field(long[] f, int i) {
    return i < f.length ? (int) f[i] : 0;
  }
}
