package dev.pbj.banana;

/** The two dialects Twisted's banana speaks; they differ only in whether {@link Vocabulary} words are compressed. */
enum Dialect {
  PB("pb"),
  NONE("none");

  private final String wireName;

  Dialect(String wireName) {
    this.wireName = wireName;
  }

  String wireName() {
    return wireName;
  }

  static Dialect of(String wireName) {
    for (Dialect d : values()) {
      if (d.wireName.equals(wireName)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown banana dialect: " + wireName + " (expected: pb or none)");
  }
}
