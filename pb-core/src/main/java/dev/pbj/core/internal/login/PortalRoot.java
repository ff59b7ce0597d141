package dev.pbj.core.internal.login;

import dev.pbj.Avatar;
import dev.pbj.Bytes;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteReference;
import dev.pbj.Tuple;
import dev.pbj.core.internal.connection.BrokerImpl;
import dev.pbj.core.internal.dispatch.Delegating;
import dev.pbj.cred.Anonymous;
import dev.pbj.cred.ChallengeResponse;
import dev.pbj.cred.Portal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The root a server with a portal serves to each connection, speaking Twisted's login exchange: {@code login}
 * answers {@code (challenge, challenger)} and the challenger's {@code respond} checks the answer and returns the
 * avatar; {@code loginAnonymous} returns one at once. Any other method goes to the server's own root, so one port
 * serves both.
 */
public final class PortalRoot implements Referenceable, Delegating {
  private final Portal portal;
  private final Object root;
  private final BrokerImpl broker;

  public PortalRoot(Portal portal, Object root, BrokerImpl broker) {
    this.portal = portal;
    this.root = root;
    this.broker = broker;
  }

  @Override
  public Object delegate() {
    return root;
  }

  /** Step one: a fresh challenge and the one-shot object that checks the answer. */
  @Remote(nonBlocking = true)
  public Tuple login(Object username) {
    String name = username instanceof Bytes ? ((Bytes) username).utf8() : String.valueOf(username);
    byte[] challenge = ChallengeResponse.newChallenge();
    return Tuple.of(Bytes.wrap(challenge.clone()), new Challenger(name, challenge));
  }

  @Remote
  public CompletionStage<Avatar> loginAnonymous(Object mind) {
    return broker.trackLogin(portal.login(Anonymous.INSTANCE, mind(mind)));
  }

  private static RemoteReference mind(Object mind) {
    return mind instanceof RemoteReference ? (RemoteReference) mind : null;
  }

  /** Step two (Twisted's {@code _PortalAuthChallenger}): answers one response, then refuses. */
  final class Challenger implements Referenceable {
    private final String username;
    private final byte[] challenge;
    private final AtomicBoolean used = new AtomicBoolean();

    Challenger(String username, byte[] challenge) {
      this.username = username;
      this.challenge = challenge;
    }

    @Remote
    public CompletionStage<Avatar> respond(Object response, Object mind) {
      if (!used.compareAndSet(false, true)) {
        return CompletableFuture.failedFuture(new dev.pbj.PbError("this challenge was already answered"));
      }
      if (!(response instanceof Bytes) || ((Bytes) response).length() != 16) {
        return CompletableFuture.failedFuture(new dev.pbj.cred.UnauthorizedLoginException(
            "malformed response: expected 16 bytes"));
      }
      ChallengeResponse credentials = new ChallengeResponse(username, challenge, ((Bytes) response).toByteArray());
      return broker.trackLogin(portal.login(credentials, mind(mind)));
    }
  }
}
