package dev.pbj.cli.demo;

import dev.pbj.core.CopyRegistry;

/**
 * The demo's types on the wire, for the demo server and its clients alike: {@link Point} for
 * {@value Point#TYPE} (copies, both ways) and {@link RoomCache} for {@value Room#TYPE} (the replica of the
 * server's {@link Room}).
 */
public final class DemoTypes {
  private static final CopyRegistry REGISTRY = builder().build();

  private DemoTypes() {}

  /** The demo's registry: copies of any other type are refused. */
  public static CopyRegistry registry() {
    return REGISTRY;
  }

  /**
   * A builder holding the demo's types, to add more (or to {@code deliverUnregistered(true)}, as {@code pbj call}
   * does).
   */
  public static CopyRegistry.Builder builder() {
    return CopyRegistry.builder()
        .register(Point.TYPE, Point.class)
        .registerCache(Room.TYPE, RoomCache::new);
  }
}
