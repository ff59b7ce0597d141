package dev.pbj;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * How a client keeps a connection ({@code PbClient.keepConnected}, Twisted's {@code ReconnectingClientFactory}):
 * the backoff between attempts, when to give up, the login redone on every connection, and what calls made while
 * disconnected do. Immutable and thread-safe (the random source, if given, is shared by the connections kept with
 * these options); build one with {@link #builder()}.
 *
 * <p><b>Backoff.</b> The first attempt starts at once. After a failed attempt, or after a connection is lost, the
 * n-th wait of the outage is {@code min(maxDelay, initialDelay × multiplier^(n-1))} with jitter applied: proportional
 * jitter {@code f} multiplies it by a random factor in {@code [1 - f, 1 + f)}, full jitter by one in
 * {@code [0, 1)}; the result is never more than {@code maxDelay}. So even the first attempt after a loss waits (up
 * to) the initial delay, and clients that a restarting server dropped together do not all return at the same instant. A connection that
 * was made and logged in resets the count. Defaults are gRPC's connection backoff: 1 s, ×1.6, jitter 0.2, at most
 * 120 s.
 *
 * <p><b>Giving up.</b> By default, never. {@link Builder#maxAttempts} gives up after that many failed attempts in a
 * row, {@link Builder#giveUpAfter} once that long has passed since the connection was lost (or since the start)
 * without a new one: the last wait is shortened so that the last attempt starts then. A login refused with
 * {@link dev.pbj.cred.UnauthorizedLoginException} (or {@link dev.pbj.cred.UnhandledCredentialsException}) gives up
 * at once: retrying a wrong password would only hammer the server.
 */
public final class Reconnect {
  /** What a call through a kept connection's {@code root()} or {@code avatar()} does while there is no connection. */
  public enum WhileDisconnected {
    /** Fails at once with {@link NotConnectedException}: the call was not sent. gRPC's default, and PBJ's. */
    FAIL_FAST,
    /**
     * Waits for the next connection, up to the call's deadline ({@link RemoteReference#withDeadline}, else the
     * client's default deadline; the wait counts against it), then fails with {@link DeadlineExceededException}.
     * Without a deadline it waits until connected, or fails with {@link NotConnectedException} when the kept
     * connection gives up or is closed.
     */
    WAIT
  }

  private static final Reconnect DEFAULTS = new Builder().build();

  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final double jitter;
  private final boolean fullJitter;
  private final RandomGenerator random;
  private final int maxAttempts;
  private final Duration giveUpAfter;
  private final Duration attemptTimeout;
  private final WhileDisconnected whileDisconnected;
  private final Function<Broker, CompletionStage<RemoteReference>> login;
  private final String loginDescription;

  private Reconnect(Builder b) {
    this.initialDelay = b.initialDelay;
    this.maxDelay = b.maxDelay;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
    this.fullJitter = b.fullJitter;
    this.random = b.random;
    this.maxAttempts = b.maxAttempts;
    this.giveUpAfter = b.giveUpAfter;
    this.attemptTimeout = b.attemptTimeout;
    this.whileDisconnected = b.whileDisconnected;
    this.login = b.login;
    this.loginDescription = b.loginDescription;
  }

  /** The defaults: gRPC's backoff, never give up, no login (the root only), calls fail fast while disconnected. */
  public static Reconnect defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.initialDelay = initialDelay;
    b.maxDelay = maxDelay;
    b.multiplier = multiplier;
    b.jitter = jitter;
    b.fullJitter = fullJitter;
    b.random = random;
    b.maxAttempts = maxAttempts;
    b.giveUpAfter = giveUpAfter;
    b.attemptTimeout = attemptTimeout;
    b.whileDisconnected = whileDisconnected;
    b.login = login;
    b.loginDescription = loginDescription;
    return b;
  }

  /** The first wait of an outage, before jitter. */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** The longest wait between attempts, jitter included. */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** How much longer each wait of an outage is than the one before, before jitter; at least 1. */
  public double multiplier() {
    return multiplier;
  }

  /** The proportional jitter, in {@code [0, 1]}; meaningless with {@link #fullJitter()}. */
  public double jitter() {
    return jitter;
  }

  /** Whether each wait is drawn uniformly between zero and its backoff (full jitter). */
  public boolean fullJitter() {
    return fullJitter;
  }

  /** Where jitter is drawn from; empty: {@code ThreadLocalRandom}. */
  public Optional<RandomGenerator> random() {
    return Optional.ofNullable(random);
  }

  /** How many failed attempts in a row make it give up; empty: never for that reason. */
  public OptionalInt maxAttempts() {
    return maxAttempts == 0 ? OptionalInt.empty() : OptionalInt.of(maxAttempts);
  }

  /** How long without a connection makes it give up; empty: never for that reason. */
  public Optional<Duration> giveUpAfter() {
    return Optional.ofNullable(giveUpAfter);
  }

  /** How long one attempt (connecting, the opening exchange and the login) may take before it counts as failed. */
  public Duration attemptTimeout() {
    return attemptTimeout;
  }

  /** What calls made while disconnected do. */
  public WhileDisconnected whileDisconnected() {
    return whileDisconnected;
  }

  /**
   * The login done on every new connection, whose answer becomes the kept connection's {@code avatar()}; empty: no
   * login, the root only.
   */
  public Optional<Function<Broker, CompletionStage<RemoteReference>>> login() {
    return Optional.ofNullable(login);
  }

  @Override
  public String toString() {
    return "Reconnect[initialDelay=" + initialDelay + ", maxDelay=" + maxDelay + ", multiplier=" + multiplier
        + ", jitter=" + (fullJitter ? "full" : String.valueOf(jitter))
        + ", maxAttempts=" + (maxAttempts == 0 ? "unlimited" : String.valueOf(maxAttempts))
        + ", giveUpAfter=" + (giveUpAfter == null ? "never" : giveUpAfter) + ", attemptTimeout=" + attemptTimeout
        + ", whileDisconnected=" + whileDisconnected + ", login=" + loginDescription + "]";
  }

  /**
   * Builds {@link Reconnect} options. Each setter checks its value and throws {@link IllegalArgumentException} naming
   * the setting; {@link #build()} checks the settings against each other.
   */
  public static final class Builder {
    private Duration initialDelay = Duration.ofSeconds(1);
    private Duration maxDelay = Duration.ofSeconds(120);
    private double multiplier = 1.6;
    private double jitter = 0.2;
    private boolean fullJitter;
    private RandomGenerator random;
    private int maxAttempts;
    private Duration giveUpAfter;
    private Duration attemptTimeout = Duration.ofSeconds(30);
    private WhileDisconnected whileDisconnected = WhileDisconnected.FAIL_FAST;
    private Function<Broker, CompletionStage<RemoteReference>> login;
    private String loginDescription = "none";

    private Builder() {}

    /** The first wait of an outage, before jitter; positive; default 1 s. */
    public Builder initialDelay(Duration delay) {
      this.initialDelay = positive(delay, "initialDelay");
      return this;
    }

    /** The longest wait between attempts, jitter included; positive, at least {@link #initialDelay}; default 120 s. */
    public Builder maxDelay(Duration delay) {
      this.maxDelay = positive(delay, "maxDelay");
      return this;
    }

    /** How much longer each wait is than the one before; finite, at least 1 (1: a constant delay); default 1.6. */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("Reconnect multiplier must be finite and at least 1, got " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Proportional jitter: each wait is multiplied by a random factor in {@code [1 - fraction, 1 + fraction)};
     * {@code fraction} in {@code [0, 1]}, 0 for none; default 0.2. Replaces {@link #fullJitter()}.
     */
    public Builder jitter(double fraction) {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("Reconnect jitter must be between 0 and 1, got " + fraction);
      }
      this.jitter = fraction;
      this.fullJitter = false;
      return this;
    }

    /** Full jitter: each wait is drawn uniformly between zero and its backoff. Replaces {@link #jitter(double)}. */
    public Builder fullJitter() {
      this.fullJitter = true;
      return this;
    }

    /** Where jitter is drawn from (tests pass a seeded or scripted one); default {@code ThreadLocalRandom}. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Gives up after {@code attempts} failed attempts in a row; at least 1; default: never for that reason. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("Reconnect maxAttempts must be at least 1, got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Gives up once {@code time} has passed without a connection, counted from the loss of the last one (or from
     * the start); positive; default: never for that reason.
     */
    public Builder giveUpAfter(Duration time) {
      this.giveUpAfter = positive(time, "giveUpAfter");
      return this;
    }

    /** Never gives up (the default): clears {@link #maxAttempts} and {@link #giveUpAfter}. */
    public Builder neverGiveUp() {
      this.maxAttempts = 0;
      this.giveUpAfter = null;
      return this;
    }

    /**
     * How long one attempt (connecting, the opening exchange and the login) may take before it counts as failed
     * with a {@link java.util.concurrent.TimeoutException}; positive; default 30 s.
     */
    public Builder attemptTimeout(Duration timeout) {
      this.attemptTimeout = positive(timeout, "attemptTimeout");
      return this;
    }

    /** What calls made while disconnected do; default {@link WhileDisconnected#FAIL_FAST}. */
    public Builder whileDisconnected(WhileDisconnected mode) {
      this.whileDisconnected = Objects.requireNonNull(mode, "whileDisconnected");
      return this;
    }

    /**
     * Logs in as {@code username} on every connection ({@link Broker#login}), passing {@code mind} (may be null).
     * The password stays in these options, never in their {@code toString}.
     */
    public Builder login(String username, String password, Referenceable mind) {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      this.login = broker -> broker.login(username, password, mind);
      this.loginDescription = username;
      return this;
    }

    /** Logs in anonymously on every connection ({@link Broker#loginAnonymous}), passing {@code mind} (may be null). */
    public Builder loginAnonymous(Referenceable mind) {
      this.login = broker -> broker.loginAnonymous(mind);
      this.loginDescription = "anonymous";
      return this;
    }

    /**
     * Runs {@code step} on every new connection; the reference it answers becomes {@code avatar()} (an application's
     * own session object, say). A step failing with {@link dev.pbj.cred.UnauthorizedLoginException} gives up.
     */
    public Builder loginWith(Function<Broker, CompletionStage<RemoteReference>> step) {
      this.login = Objects.requireNonNull(step, "step");
      this.loginDescription = "custom";
      return this;
    }

    /** No login (the default): the root only. */
    public Builder noLogin() {
      this.login = null;
      this.loginDescription = "none";
      return this;
    }

    public Reconnect build() {
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw new IllegalArgumentException("Reconnect maxDelay (" + maxDelay + ") must not be less than initialDelay ("
            + initialDelay + ")");
      }
      return new Reconnect(this);
    }

    private static Duration positive(Duration value, String setting) {
      Objects.requireNonNull(value, setting);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("Reconnect " + setting + " must be positive, got " + value);
      }
      return value;
    }
  }
}
