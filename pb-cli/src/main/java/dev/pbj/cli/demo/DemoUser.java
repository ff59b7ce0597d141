package dev.pbj.cli.demo;

import dev.pbj.Avatar;
import dev.pbj.Remote;
import java.util.Objects;

/**
 * The avatar a login to the demo portal hands out (Twisted's perspective). A named user is one of the room's
 * members from login ({@link DemoRealm}) to {@link #logout()}; an anonymous one is not a member. Immutable.
 */
public final class DemoUser implements Avatar {
  /** What an anonymous user's {@link #whoami()} answers. */
  public static final String ANONYMOUS = "anonymous";

  private final String name;
  private final DemoWorld world;
  private final boolean member;

  DemoUser(String name, DemoWorld world, boolean member) {
    this.name = Objects.requireNonNull(name, "name");
    this.world = Objects.requireNonNull(world, "world");
    this.member = member;
  }

  /** The user name, {@value #ANONYMOUS} for an anonymous login. */
  public String name() {
    return name;
  }

  /** The user name ({@value #ANONYMOUS} for an anonymous login). */
  @Remote(nonBlocking = true)
  public String whoami() {
    return name;
  }

  /** Appends {@code "<user>: <text>"} to the room's messages (observers get {@code said}) and returns it. */
  @Remote
  public String shout(String text) {
    String message = name + ": " + text;
    world.room().say(message);
    return message;
  }

  /** The server's shared {@link Board}, bound to this user when it reaches the caller. */
  @Remote(nonBlocking = true)
  public Board board() {
    return world.board();
  }

  /** The session ended: a member leaves the room (observers get {@code left}). */
  @Override
  public void logout() {
    if (member) {
      world.room().leave(name);
    }
  }

  @Override
  public String toString() {
    return "DemoUser(" + name + ")";
  }
}
