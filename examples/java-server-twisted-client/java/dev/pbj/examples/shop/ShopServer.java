package dev.pbj.examples.shop;

import dev.pbj.Avatar;
import dev.pbj.Copyable;
import dev.pbj.PbError;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.core.PbServer;
import dev.pbj.cred.InMemoryPasswordChecker;
import dev.pbj.cred.Portal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A small shop served over PB on TCP, for any PB client — {@code twisted_client.py} beside this file is a Twisted
 * one. The root ({@link Shop}) answers {@code catalog()}, {@code price(item)} and {@code basket()} (a new
 * {@link Basket}, sent by reference) to anyone, and logs customers in through a {@link Portal}: the avatar
 * ({@link Customer}) places orders, answered with a {@link Receipt} sent by copy.
 *
 * <p>Run it with {@code mvn -q -pl examples compile exec:java -Dexec.mainClass=dev.pbj.examples.shop.ShopServer
 * [-Dexec.args=tcp://127.0.0.1:8801]}; it prints {@code listening tcp://HOST:PORT} and serves until its standard
 * input ends (Ctrl-D).
 */
public final class ShopServer {
  /** What the shop sells, item → price in cents; immutable. */
  static final Map<String, Long> PRICES = java.util.Collections.unmodifiableSortedMap(
      new TreeMap<>(Map.of("apple", 30L, "bread", 250L, "cheese", 1200L)));

  private ShopServer() {}

  /** Starts the shop on {@code uri} ({@code tcp://127.0.0.1:0}: an ephemeral port); close the server to stop. */
  public static PbServer start(String uri) {
    InMemoryPasswordChecker customers = InMemoryPasswordChecker.builder().user("alice", "wonderland")
        .user("bob", "builder").build();
    // the realm makes one avatar per login; the portal checks the password first (Twisted's MD5 challenge)
    Portal portal = new Portal((name, mind) -> CompletableFuture.completedFuture(new Customer(name)), customers);
    return PbServer.builder().root(new Shop()).portal(portal).listen(uri).build().start();
  }

  public static void main(String[] args) throws IOException {
    try (PbServer server = start(args.length > 0 ? args[0] : "tcp://127.0.0.1:8801")) {
      System.out.println("listening " + server.uri(0));
      System.in.transferTo(java.io.OutputStream.nullOutputStream()); // serve until stdin ends
    }
  }

  /** The price of {@code item}, or a {@link PbError} (a {@code pb.Error} for a Twisted caller) if not sold here. */
  static long priceOf(String item) {
    Long price = PRICES.get(item);
    if (price == null) {
      throw new PbError("we do not sell " + item);
    }
    return price;
  }

  /** The root object: what a client gets before (or without) logging in. Stateless, so shared by every client. */
  public static final class Shop implements Referenceable {
    /** The items on sale, in name order (a Python list of str). */
    @Remote
    public List<String> catalog() {
      return new ArrayList<>(PRICES.keySet());
    }

    /** The price of one item in cents. */
    @Remote
    public long price(String item) {
      return priceOf(item);
    }

    /** A new, empty basket for the caller alone: it stays on the server, the caller holds a reference. */
    @Remote
    public Basket basket() {
      return new Basket();
    }
  }

  /** A basket on the server; callers reach it through a remote reference. Used by one connection at a time. */
  public static final class Basket implements Referenceable {
    private final List<String> items = new ArrayList<>();

    /** Adds an item and answers how many the basket now holds. */
    @Remote
    public synchronized int add(String item) {
      priceOf(item); // refuse what is not sold before it is in the basket
      items.add(item);
      return items.size();
    }

    /** The sum of the basket's prices in cents. */
    @Remote
    public synchronized long total() {
      return items.stream().mapToLong(ShopServer::priceOf).sum();
    }
  }

  /** A logged-in customer (Twisted's perspective): what the portal hands out for a correct password. */
  public static final class Customer implements Avatar {
    private final String name;

    Customer(String name) {
      this.name = name;
    }

    /** The name this customer logged in with. */
    @Remote
    public String whoami() {
      return name;
    }

    /** Buys {@code quantity} of {@code item}; the receipt is sent by copy. */
    @Remote
    public Receipt order(String item, int quantity) {
      if (quantity <= 0) {
        throw new PbError("cannot order " + quantity + " of " + item);
      }
      return new Receipt(name, item, quantity, quantity * priceOf(item));
    }
  }

  /**
   * Sent by copy: a Twisted peer receives the state {@code {customer, item, quantity, total}} and builds the class
   * it registered for {@code example.shop.Receipt} with {@code pb.setUnjellyableForClass}.
   */
  public record Receipt(String customer, String item, long quantity, long totalCents) implements Copyable {
    @Override
    public String typeToCopy() {
      return "example.shop.Receipt";
    }
  }
}
