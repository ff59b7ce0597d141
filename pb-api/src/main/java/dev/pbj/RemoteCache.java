package dev.pbj;

import java.util.Objects;

/**
 * The local replica of a peer's {@link Cacheable} (Twisted's {@code pb.RemoteCache}). Subclass it, register the
 * subclass for the cacheable's type name, and mark the methods the owner calls with {@link Remote} (Twisted's
 * {@code observe_<name>}); they run in the order the owner sent them. One instance per cacheable per connection:
 * receiving the same cacheable again gives the same instance.
 *
 * <p>Closing releases it: the owner is told and stops observing. The garbage collector releases an unreachable
 * cache as a fallback. Instances come from the factory registered with the copy registry.
 */
public abstract class RemoteCache implements AutoCloseable {
  private volatile Binding binding;

  /** Takes the state the owner sent when the cache was created. */
  public abstract void setCopyableState(Object state);

  /** The connection to the owner; null until the cache has arrived. */
  public final Broker broker() {
    Binding b = binding;
    return b == null ? null : b.broker();
  }

  /** The type name the owner sent this cache under, e.g. {@code pbj.demo.Room}; null until it has arrived. */
  public final String typeName() {
    Binding b = binding;
    return b == null ? null : b.typeName();
  }

  /** Releases this cache; idempotent. */
  @Override
  public final void close() {
    Binding b = binding;
    if (b != null) {
      b.release();
    }
  }

  /**
   * Connects the cache to the broker that received it. For PBJ's broker only: an application never calls this.
   *
   * @throws IllegalStateException if the cache is already bound
   */
  public final void bind(Binding binding) {
    Objects.requireNonNull(binding, "binding");
    synchronized (this) {
      if (this.binding != null) {
        throw new IllegalStateException("RemoteCache already bound to " + this.binding.broker());
      }
      this.binding = binding;
    }
  }

  /** What the broker gives a cache it created. */
  public interface Binding {
    Broker broker();

    /** The type name the cache arrived under. */
    String typeName();

    /** Sends the owner one decache per time the cache was received; idempotent. */
    void release();
  }
}
