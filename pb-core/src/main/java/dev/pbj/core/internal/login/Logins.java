package dev.pbj.core.internal.login;

import dev.pbj.Avatar;
import dev.pbj.core.internal.endpoint.Workers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The avatars peers logged in to on one connection: each is logged out (on the executor: it is user code) when the
 * peer releases it or the connection ends. Thread-safe: logins complete on whatever thread the portal completes.
 */
public final class Logins {
  /** Made at the first login (most connections of a server that serves no login have none); guarded by this. */
  private Set<Avatar> avatars = Collections.emptySet();
  private final Executor executor;
  private boolean ended;

  public Logins(Executor executor) {
    this.executor = executor;
  }

  /** Tracks the avatar {@code login} produces; one that arrives after the connection ended is logged out. */
  public CompletionStage<Avatar> track(CompletionStage<Avatar> login) {
    return login.thenApply(avatar -> {
      boolean open;
      synchronized (this) {
        open = !ended;
        if (open) {
          if (avatars == Collections.<Avatar>emptySet()) { // once made, kept
            avatars = Collections.newSetFromMap(new IdentityHashMap<>(2)); // one login, usually
          }
          avatars.add(avatar);
        }
      }
      if (!open) {
        logout(avatar);
      }
      return avatar;
    });
  }

  /** The peer released {@code object}: if it is a tracked avatar, it is logged out. */
  public void released(Object object) {
    if (!(object instanceof Avatar)) {
      return;
    }
    boolean was;
    synchronized (this) {
      was = avatars.remove(object);
    }
    if (was) {
      logout((Avatar) object);
    }
  }

  /** The connection ended: every avatar is logged out, and later logins as soon as they complete. */
  public void endAll() {
    List<Avatar> left;
    synchronized (this) {
      ended = true;
      left = new ArrayList<>(avatars);
      avatars.clear();
    }
    left.forEach(this::logout);
  }

  private void logout(Avatar avatar) {
    Workers.runOn(executor, avatar::logout);
  }
}
