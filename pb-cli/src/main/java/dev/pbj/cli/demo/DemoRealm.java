package dev.pbj.cli.demo;

import dev.pbj.RemoteReference;
import dev.pbj.cred.Portal;
import dev.pbj.cred.Realm;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Makes a {@link DemoUser} per login. A named user joins the room's members (observers get {@code joined(name)})
 * and leaves them when the session ends; an anonymous login gets {@link DemoUser#ANONYMOUS}, not a member.
 */
public final class DemoRealm implements Realm {
  private final DemoWorld world;

  public DemoRealm(DemoWorld world) {
    this.world = Objects.requireNonNull(world, "world");
  }

  @Override
  public CompletionStage<DemoUser> requestAvatar(String avatarId, RemoteReference mind) {
    if (Portal.ANONYMOUS.equals(avatarId)) {
      return CompletableFuture.completedFuture(new DemoUser(DemoUser.ANONYMOUS, world, false));
    }
    world.room().join(avatarId);
    return CompletableFuture.completedFuture(new DemoUser(avatarId, world, true));
  }
}
