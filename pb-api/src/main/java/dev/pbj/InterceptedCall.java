package dev.pbj;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A call as a {@link CallInterceptor} sees it. Its values are as received or as given to {@code callRemote}. */
public interface InterceptedCall {

  /** Which way a call goes. */
  enum Direction {
    /** The peer calls an object of this side. */
    INBOUND,
    /** This side calls an object of the peer. */
    OUTBOUND
  }

  Direction direction();

  /** The connection the call travels on. */
  Broker broker();

  /**
   * Inbound: the avatar the call reached, directly or through a {@link Viewable}'s view, or empty for an object
   * outside any login. Outbound: always empty.
   */
  Optional<Avatar> avatar();

  /**
   * The object called: inbound, this side's object (a {@link Referenceable}, an avatar, a {@link Viewable} or a
   * {@link RemoteCache}); outbound, the {@link RemoteReference} it was made through, or the {@link CacheObserver}
   * of an update sent to an observer's cache.
   */
  Object target();

  /** The method's wire name. */
  String method();

  /** The positional arguments: inbound as decoded before binding to the method, outbound as given. */
  List<Object> arguments();

  /** The keyword arguments, by name (empty without). */
  Map<String, Object> keywords();

  /** Whether the caller waits for an answer; a one-way call's outcome is that of its dispatch only. */
  boolean answerRequired();

  /** The time left until the call's deadline, or empty if it has none. */
  Optional<Duration> timeRemaining();
}
