package dev.pbj.cli.demo;

import dev.pbj.Copyable;

/**
 * The demo contract's {@code pbj.demo.Point}: sent by copy with the state {@code {"x": x, "y": y}} (text keys). As
 * a record it needs no code to send or to receive; {@link DemoTypes#registry()} registers it for its wire name.
 */
public record Point(long x, long y) implements Copyable {
  /** The type name on the wire. */
  public static final String TYPE = "pbj.demo.Point";

  @Override
  public String typeToCopy() {
    return TYPE;
  }
}
