package dev.pbj.cli.demo;

import dev.pbj.cred.AllowAnonymousAccess;
import dev.pbj.cred.InMemoryPasswordChecker;
import dev.pbj.cred.Portal;
import java.util.Map;

/**
 * The demo contract's portal: users {@code alice}/{@code wonderland} and {@code bob}/{@code builder}, and anonymous
 * logins.
 */
public final class DemoPortal {
  /** The demo's users and their passwords. */
  public static final Map<String, String> USERS = Map.of("alice", "wonderland", "bob", "builder");

  private DemoPortal() {}

  /** A portal whose avatars live in {@code world}: a {@link DemoRealm} with the {@link #USERS} and anonymous access. */
  public static Portal create(DemoWorld world) {
    InMemoryPasswordChecker.Builder users = InMemoryPasswordChecker.builder();
    USERS.forEach(users::user);
    return new Portal(new DemoRealm(world), users.build(), new AllowAnonymousAccess());
  }
}
