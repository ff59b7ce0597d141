package dev.pbj.core.internal.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * PB's top-level commands, with the number of fields after the command name, and PBJ's extensions
 * ({@code docs/extensions.md}), which only a connection that negotiated them may send or receive.
 */
public enum MessageKind {
  VERSION("version", 1),
  MESSAGE("message", 6),
  CACHEMESSAGE("cachemessage", 6),
  ANSWER("answer", 2),
  ERROR("error", 2),
  DECREF("decref", 1),
  DECACHE("decache", 1),
  UNCACHE("uncache", 1),
  DID_NOT_UNDERSTAND("didNotUnderstand", 1),
  DEADLINE("deadline", 2, true),
  CANCEL("cancel", 1, true),
  PING("ping", 1, true),
  PONG("pong", 1, true);

  private static final Map<String, MessageKind> BY_WORD = new HashMap<>();

  static {
    for (MessageKind kind : values()) {
      BY_WORD.put(kind.word, kind);
    }
  }

  public final String word;
  public final int fields;
  /** Whether this is one of PBJ's extensions rather than Twisted's PB. */
  public final boolean extension;

  MessageKind(String word, int fields) {
    this(word, fields, false);
  }

  MessageKind(String word, int fields, boolean extension) {
    this.word = word;
    this.fields = fields;
    this.extension = extension;
  }

  /** The kind named {@code word}, or null. */
  static MessageKind of(String word) {
    return BY_WORD.get(word);
  }
}
