package dev.pbj.core;

import dev.pbj.CopiedObject;
import dev.pbj.InsecureJellyException;
import dev.pbj.RemoteCache;
import dev.pbj.RemoteCopy;
import dev.pbj.core.internal.jelly.RecordShape;
import dev.pbj.core.internal.jelly.RecordShapes;
import java.lang.reflect.Constructor;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The types this side builds from copies and caches it receives (Twisted's {@code setUnjellyableForClass}), and
 * the names under which it sends its own. Nothing is ever built from a name that is not registered here: a copy of
 * an unregistered type is refused with {@link InsecureJellyException}, or, with
 * {@link Builder#deliverUnregistered(boolean)}, handed over as a {@link CopiedObject}. Immutable and thread-safe;
 * give it to {@code PbServer.builder().copies(…)} or {@code PbClient.builder().copies(…)}.
 */
public final class CopyRegistry {
  private static final CopyRegistry EMPTY = builder().build();

  private final Map<String, Function<Object, Object>> copies;
  private final Map<String, RecordShape> records;
  private final Map<String, Supplier<? extends RemoteCache>> caches;
  private final Map<Class<?>, String> names;
  private final boolean deliverUnregistered;

  private CopyRegistry(Builder b) {
    this.copies = Map.copyOf(b.copies);
    this.records = Map.copyOf(b.records);
    this.caches = Map.copyOf(b.caches);
    this.names = Map.copyOf(b.names);
    this.deliverUnregistered = b.deliverUnregistered;
  }

  /** No types: copies are refused (PB's own failure records are always understood). */
  public static CopyRegistry empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The local object for a received copy of {@code typeName} with {@code state}.
   *
   * @throws InsecureJellyException if the name is not registered (and unregistered copies are not delivered)
   */
  public Object build(String typeName, Object state) {
    Function<Object, Object> factory = copies.get(typeName);
    if (factory != null) {
      return factory.apply(state);
    }
    if (deliverUnregistered) {
      return new CopiedObject(typeName, state);
    }
    throw new InsecureJellyException(typeName, "copy of unregistered type '" + typeName + "' refused: only "
        + "registered types are built; register it with CopyRegistry.builder().register(\"" + typeName
        + "\", YourClass.class), or opt in to deliverUnregistered(true) to receive it as a CopiedObject");
  }

  static {
    // PBJ's unjellier gathers a registered record's state as it arrives ({@link #build} then takes that in place of
    // the dictionary); it finds the record's shape here, without a public method naming an internal type.
    RecordShapes.install((registry, typeName) -> registry.records.get(typeName));
  }

  /**
   * A new, empty replica for a received cache of {@code typeName}.
   *
   * @throws InsecureJellyException if no RemoteCache is registered for the name
   */
  public RemoteCache newCache(String typeName) {
    Supplier<? extends RemoteCache> factory = caches.get(typeName);
    if (factory == null) {
      throw new InsecureJellyException(typeName, "cache of unregistered type '" + typeName + "' refused: register "
          + "a RemoteCache with CopyRegistry.builder().registerCache(\"" + typeName + "\", YourCache::new)");
    }
    return Objects.requireNonNull(factory.get(), "cache factory returned null for " + typeName);
  }

  /** The type names whose arrival runs the application's code: those of the copy and cache factories. */
  public Set<String> receivedTypeNames() {
    Set<String> all = new HashSet<>(copies.keySet());
    all.addAll(caches.keySet());
    return Collections.unmodifiableSet(all);
  }

  /** The type name registered for sending instances of {@code type}, or null. */
  public String typeNameOf(Class<?> type) {
    return names.get(type);
  }

  /** Registers types. */
  public static final class Builder {
    private final Map<String, Function<Object, Object>> copies = new HashMap<>();
    private final Map<String, RecordShape> records = new HashMap<>();
    private final Map<String, Supplier<? extends RemoteCache>> caches = new HashMap<>();
    private final Map<Class<?>, String> names = new HashMap<>();
    private boolean deliverUnregistered;

    private Builder() {}

    /**
     * Copies named {@code typeName} become instances of {@code type}, and instances of {@code type} are sent under
     * that name. A record is built from the state dictionary by component name (values converted to the component
     * types, like remote method arguments); any other class implements {@link RemoteCopy} and has a no-argument
     * constructor.
     */
    public Builder register(String typeName, Class<?> type) {
      records.remove(typeName);
      copies.put(typeName, type.isRecord() ? recordFactory(typeName, type) : remoteCopyFactory(typeName, type));
      names.put(type, typeName);
      return this;
    }

    /** Copies named {@code typeName} become whatever {@code factory} makes of their state. */
    public Builder registerFactory(String typeName, Function<Object, ?> factory) {
      Objects.requireNonNull(factory, "factory");
      records.remove(typeName); // the factory gets the dictionary
      copies.put(typeName, factory::apply);
      return this;
    }

    /** Caches named {@code typeName} are replicated by instances {@code factory} makes. */
    public Builder registerCache(String typeName, Supplier<? extends RemoteCache> factory) {
      caches.put(typeName, Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /** Whether copies of unregistered types arrive as {@link CopiedObject} instead of being refused. */
    public Builder deliverUnregistered(boolean deliver) {
      this.deliverUnregistered = deliver;
      return this;
    }

    public CopyRegistry build() {
      return new CopyRegistry(this);
    }

    private static Function<Object, Object> remoteCopyFactory(String typeName, Class<?> type) {
      if (!RemoteCopy.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(type.getName() + " must be a record or implement RemoteCopy to receive "
            + typeName);
      }
      Constructor<?> constructor;
      try {
        constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException(type.getName() + " needs a no-argument constructor to receive "
            + typeName, e);
      }
      return state -> {
        try {
          RemoteCopy copy = (RemoteCopy) constructor.newInstance();
          copy.setCopyableState(state);
          return copy;
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot build " + type.getName() + " for " + typeName, e);
        }
      };
    }

    private Function<Object, Object> recordFactory(String typeName, Class<?> type) {
      RecordShape shape = new RecordShape(typeName, type);
      records.put(typeName, shape);
      return shape::build;
    }
  }
}
