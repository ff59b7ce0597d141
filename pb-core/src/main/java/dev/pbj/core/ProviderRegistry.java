package dev.pbj.core;

import dev.pbj.ProviderNotFoundException;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.spi.TransportProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The serializers and transports a client or server can use. {@link #getDefault()} finds them with
 * {@link ServiceLoader} (each module registers its provider); {@link #builder()} makes a registry by hand, for
 * fat jars that lost their {@code META-INF/services} files and for tests. Immutable and thread-safe.
 *
 * <p>Providers that report themselves unavailable are left out; among providers of one name the highest
 * {@code priority()} wins, ties broken by class name so the choice is the same on every run.
 */
public final class ProviderRegistry {
  /** The module to add for each provider name PBJ ships. */
  private static final Map<String, String> MODULES = Map.of(
      "banana", "dev.pbj:pb-serial-banana",
      "msgpack", "dev.pbj:pb-serial-msgpack",
      "tcp", "dev.pbj:pb-transport-tcp",
      "ws", "dev.pbj:pb-transport-websocket",
      "wss", "dev.pbj:pb-transport-websocket");

  private static volatile ProviderRegistry defaultRegistry;

  private final List<SerializerProvider> serializers;
  private final List<TransportProvider> transports;
  private final List<String> refused;

  private ProviderRegistry(Builder builder) {
    this.serializers = sorted(builder.serializers, SerializerProvider::priority);
    this.transports = sorted(builder.transports, TransportProvider::priority);
    this.refused = List.copyOf(builder.refused);
  }

  /** The providers found on the class path of PBJ (and the context class loader), loaded once. */
  public static ProviderRegistry getDefault() {
    ProviderRegistry registry = defaultRegistry;
    if (registry == null) {
      synchronized (ProviderRegistry.class) {
        registry = defaultRegistry;
        if (registry == null) {
          Builder builder = builder().loadServices(ProviderRegistry.class.getClassLoader());
          ClassLoader context = Thread.currentThread().getContextClassLoader();
          if (context != null && context != ProviderRegistry.class.getClassLoader()) {
            builder.loadServices(context);
          }
          registry = builder.build();
          defaultRegistry = registry;
        }
      }
    }
    return registry;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The serializer called {@code name}. */
  public SerializerProvider serializer(String name) {
    for (SerializerProvider provider : serializers) {
      if (provider.name().equals(name)) {
        return provider;
      }
    }
    throw notFound("serializer", name, serializers.stream().map(SerializerProvider::name).toList());
  }

  /** The transport serving URI scheme {@code scheme}. */
  public TransportProvider transport(String scheme) {
    for (TransportProvider provider : transports) {
      if (provider.schemes().contains(scheme)) {
        return provider;
      }
    }
    throw notFound("transport", scheme, transports.stream().flatMap(p -> p.schemes().stream()).toList());
  }

  /** Every available serializer, best first. */
  public List<SerializerProvider> serializers() {
    return serializers;
  }

  /** Every available transport, best first. */
  public List<TransportProvider> transports() {
    return transports;
  }

  private ProviderNotFoundException notFound(String kind, String name, List<String> found) {
    String module = MODULES.get(name);
    StringBuilder message = new StringBuilder("no ").append(kind).append(" '").append(name).append("' on the class path");
    message.append(module != null ? "; add the module " + module : "");
    message.append(". Found: ").append(found.isEmpty() ? "none" : String.join(", ", new LinkedHashSet<>(found)));
    if (!refused.isEmpty()) {
      message.append("; unavailable: ").append(String.join("; ", refused));
    }
    return new ProviderNotFoundException(message.toString());
  }

  private static <T> List<T> sorted(List<T> providers, java.util.function.ToIntFunction<T> priority) {
    List<T> copy = new ArrayList<>(providers);
    copy.sort(Comparator.comparingInt(priority).reversed()
        .thenComparing(p -> p.getClass().getName()));
    return List.copyOf(copy);
  }

  /** Collects providers; unavailable ones are remembered only to explain a later not-found error. */
  public static final class Builder {
    private final List<SerializerProvider> serializers = new ArrayList<>();
    private final List<TransportProvider> transports = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private final Set<String> classes = new LinkedHashSet<>();

    private Builder() {}

    public Builder addSerializer(SerializerProvider provider) {
      if (accept(provider, provider.isAvailable())) {
        serializers.add(provider);
      }
      return this;
    }

    public Builder addTransport(TransportProvider provider) {
      if (accept(provider, provider.isAvailable())) {
        transports.add(provider);
      }
      return this;
    }

    /** Adds every provider {@link ServiceLoader} finds through {@code loader}. */
    public Builder loadServices(ClassLoader loader) {
      load(SerializerProvider.class, loader).forEach(this::addSerializer);
      load(TransportProvider.class, loader).forEach(this::addTransport);
      return this;
    }

    private <T> List<T> load(Class<T> type, ClassLoader loader) {
      List<T> found = new ArrayList<>();
      ServiceLoader<T> services = ServiceLoader.load(type, loader);
      var iterator = services.iterator();
      while (true) {
        try {
          if (!iterator.hasNext()) {
            break;
          }
          found.add(iterator.next());
        } catch (ServiceConfigurationError e) {
          refused.add(type.getSimpleName() + ": " + e.getMessage());
        }
      }
      return found;
    }

    private boolean accept(Object provider, boolean available) {
      if (!available) {
        refused.add(provider.getClass().getName() + " reports itself unavailable");
        return false;
      }
      return classes.add(provider.getClass().getName());
    }

    public ProviderRegistry build() {
      return new ProviderRegistry(this);
    }
  }
}
