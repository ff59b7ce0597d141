package dev.pbj.core.internal.login;

import dev.pbj.Bytes;
import dev.pbj.ProtocolException;
import dev.pbj.Referenceable;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.cred.ChallengeResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The client's half of Twisted's login: {@code root.login(username)} answers a challenge and a challenger, whose
 * {@code respond(md5(md5(password) + challenge), mind)} answers the avatar. The password never leaves this side.
 */
public final class ClientLogin {
  private ClientLogin() {}

  public static CompletableFuture<RemoteReference> login(RemoteReference root, String username, String password,
      Referenceable mind) {
    return root.callRemote("login", Bytes.utf8(username)).thenCompose(answer -> {
      if (!(answer instanceof Tuple) || ((Tuple) answer).size() != 2 || !(((Tuple) answer).get(0) instanceof Bytes)
          || !(((Tuple) answer).get(1) instanceof RemoteReference)) {
        if (answer instanceof Tuple) {
          // whatever references came with a malformed answer are released, not left to the garbage collector
          ((Tuple) answer).stream().filter(RemoteReference.class::isInstance)
              .forEach(ref -> ((RemoteReference) ref).close());
        }
        throw new ProtocolException("login: expected (challenge, challenger), got " + answer);
      }
      Tuple tuple = (Tuple) answer;
      byte[] response = ChallengeResponse.respond(((Bytes) tuple.get(0)).toByteArray(), password);
      RemoteReference challenger = (RemoteReference) tuple.get(1);
      return challenger.callRemote("respond", Bytes.wrap(response), mind)
          .whenComplete((avatar, error) -> challenger.close());
    }).thenApply(ClientLogin::avatar);
  }

  public static CompletableFuture<RemoteReference> loginAnonymous(RemoteReference root, Referenceable mind) {
    return root.callRemote("loginAnonymous", mind).thenApply(ClientLogin::avatar);
  }

  private static RemoteReference avatar(Object answer) {
    if (!(answer instanceof RemoteReference)) {
      throw new ProtocolException("login: expected the avatar (a reference), got " + answer);
    }
    return (RemoteReference) answer;
  }
}
