package dev.pbj.cli.demo;

import dev.pbj.Avatar;
import dev.pbj.Remote;
import dev.pbj.Viewable;

/**
 * The server's one shared board, reached through {@link DemoUser#board()}: a {@link Viewable}, so each caller's
 * reference is bound to its own avatar and {@link #post} learns who calls. Stateless and thread-safe.
 */
public final class Board implements Viewable {

  /** {@code "<user> posted <text>"}, {@code <user>} being the perspective of whoever calls. */
  @Remote(nonBlocking = true)
  public String post(Avatar who, String text) {
    return nameOf(who) + " posted " + text;
  }

  private static String nameOf(Avatar who) {
    if (who instanceof DemoUser) {
      return ((DemoUser) who).name();
    }
    return who == null ? DemoUser.ANONYMOUS : who.toString();
  }
}
