package dev.pbj.examples.weather;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.pbj.Broker;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.RemoteException;
import dev.pbj.RemoteReference;
import dev.pbj.core.PbClient;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * A Java client of the Twisted weather station ({@code twisted_server.py} beside this file): it reads the list of
 * cities and a forecast, subscribes a {@link Listener} of its own that Twisted calls back, and handles the
 * {@code pb.Error} Twisted raises for a city it does not know.
 *
 * <p>With the server running, {@code mvn -q -pl examples compile exec:java
 * -Dexec.mainClass=dev.pbj.examples.weather.WeatherClient -Dexec.args=tcp://127.0.0.1:8802}.
 */
public final class WeatherClient {
  private WeatherClient() {}

  public static void main(String[] args) throws Exception {
    run(args.length > 0 ? args[0] : "tcp://127.0.0.1:8802", System.out);
  }

  /** Connects to the station at {@code uri}, prints a line per step to {@code out}, and disconnects. */
  public static void run(String uri, PrintStream out) throws Exception {
    try (PbClient client = PbClient.builder().build()) {
      Broker broker = client.connect(uri).get(10, SECONDS);
      RemoteReference station = broker.rootObject();

      List<?> cities = station.callRemote(List.class, "cities").get(10, SECONDS); // a Python list of str
      out.println("cities: " + String.join(", ", cities.stream().map(String::valueOf).toList()));

      Map<?, ?> lisbon = station.callRemote(Map.class, "forecast", "Lisbon").get(10, SECONDS); // a Python dict
      out.println("Lisbon: " + lisbon.get("sky") + ", " + lisbon.get("low") + " to " + lisbon.get("high") + " °C");

      try {
        station.callRemote("forecast", "Atlantis").get(10, SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RemoteException error)) {
          throw e; // a lost connection, not the station's answer
        }
        // Twisted raised pb.Error: the application's own refusal, with its message
        out.println("Atlantis: " + (error.isPbError() ? "refused: " : error.remoteType() + ": ")
            + error.remoteMessage());
      }

      // the listener is passed by reference: Twisted holds a RemoteReference to it and calls reading()
      Listener listener = new Listener(out);
      long taken = station.callRemote(Long.class, "subscribe", listener, "Oslo").get(10, SECONDS);
      out.println("the station sent " + taken + " readings");
    }
  }

  /** Called back by the station; its {@code @Remote} methods run on PBJ's executor, one call after another. */
  public static final class Listener implements Referenceable {
    private final PrintStream out;

    Listener(PrintStream out) {
      this.out = out;
    }

    /** One reading; the answer goes back to the Twisted caller as the result of its callRemote. */
    @Remote
    public String reading(String city, int hour, int celsius) {
      out.println("reading: " + city + " at " + hour + ":00 is " + celsius + " °C");
      return "thanks for " + city + " at " + hour + ":00";
    }
  }
}
