package dev.pbj.core.internal.wire;

/**
 * One top-level message as read: its kind, its fields decoded to Java values, and the first error met while
 * decoding a field (a copy of an unregistered type, say), which the broker answers instead of dropping the
 * connection.
 */
public final class ReceivedMessage {
  public final MessageKind kind;
  public final Object[] fields;
  public RuntimeException fieldError;

  ReceivedMessage(MessageKind kind) {
    this.kind = kind;
    this.fields = new Object[kind.fields];
  }

  public long longField(int index, String what) {
    return boxedLongField(index, what);
  }

  /** As {@link #longField}, the {@code Long} the reader made: a table keyed by it needs no box of its own. */
  public Long boxedLongField(int index, String what) {
    Object value = fields[index];
    if (value instanceof Long) {
      return (Long) value;
    }
    throw new dev.pbj.ProtocolException(kind.word + ": " + what + " must be an integer, got "
        + dev.pbj.core.internal.jelly.BriefValue.of(value));
  }
}
