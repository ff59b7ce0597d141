package dev.pbj.cli.demo;

import dev.pbj.cluster.redis.RedisCluster;
import dev.pbj.cred.Portal;

/**
 * What every connection of one demo server shares: the {@link Room}, the {@link Board} and the login
 * {@link #portal() portal}. Give the same world to every {@link DemoRoot} of a server (one root for all
 * connections, or one per connection) so that all of them see one room. Thread-safe.
 */
public final class DemoWorld {
  private final Room room;
  private final Board board = new Board();
  private final Portal portal;

  /** A world with a room whose topic is {@value Room#DEFAULT_TOPIC}. */
  public DemoWorld() {
    this(Room.DEFAULT_TOPIC);
  }

  public DemoWorld(String topic) {
    this.room = new Room(topic);
    this.portal = DemoPortal.create(this);
  }

  /**
   * A world whose room ({@value Room#DEFAULT_TOPIC}) is one with every server's given the same Redis
   * ({@link Room#Room(String, RedisCluster)}); the board stays this server's.
   */
  public DemoWorld(RedisCluster cluster) {
    this.room = new Room(Room.DEFAULT_TOPIC, cluster);
    this.portal = DemoPortal.create(this);
  }

  /** The one room. */
  public Room room() {
    return room;
  }

  /** The one board. */
  public Board board() {
    return board;
  }

  /** Logs users in to this world ({@link DemoPortal}); serve it with {@code PbServer.builder().portal(…)}. */
  public Portal portal() {
    return portal;
  }
}
