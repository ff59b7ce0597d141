package dev.pbj.core.internal;

/**
 * One top-level message as read: its kind, its fields decoded to Java values, and the first error met while
 * decoding a field (a copy of an unregistered type, say), which the broker answers instead of dropping the
 * connection.
 */
final class ReceivedMessage {
  final MessageKind kind;
  final Object[] fields;
  RuntimeException fieldError;

  ReceivedMessage(MessageKind kind) {
    this.kind = kind;
    this.fields = new Object[kind.fields];
  }

  long longField(int index, String what) {
    Object value = fields[index];
    if (value instanceof Long) {
      return (Long) value;
    }
    throw new dev.pbj.ProtocolException(kind.word + ": " + what + " must be an integer, got " + value);
  }
}
