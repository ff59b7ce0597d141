package dev.pbj.bench.report;

import dev.pbj.bench.codec.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/** Everything one report run measured, and what it could not measure and why. */
public final class Results {
  private final List<Figure> figures = new ArrayList<>();
  /** Bytes on the wire: codec → message → size. */
  private final Map<String, Map<Message, Integer>> wireBytes = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private TwistedRun.Outcome twisted;
  private final List<ConnectionsRun.Outcome> connections = new ArrayList<>();

  /** Adds JMH's results of one pass. */
  public void add(Collection<RunResult> runs, boolean pinned) {
    for (RunResult run : runs) {
      String name = run.getParams().getBenchmark();
      int method = name.lastIndexOf('.');
      int type = name.lastIndexOf('.', method - 1);
      Map<String, String> params = new LinkedHashMap<>();
      for (String key : run.getParams().getParamsKeys()) {
        params.put(key, run.getParams().getParam(key));
      }
      Result<?> primary = run.getPrimaryResult();
      Statistics stats = primary.getStatistics();
      boolean sampled = run.getParams().getMode() == org.openjdk.jmh.annotations.Mode.SampleTime;
      double p50 = sampled ? stats.getPercentile(50.0) : Double.NaN;
      double p99 = sampled ? stats.getPercentile(99.0) : Double.NaN;
      double alloc = Double.NaN;
      for (String key : run.getSecondaryResults().keySet()) {
        if (key.endsWith("gc.alloc.rate.norm")) {
          alloc = run.getSecondaryResults().get(key).getScore();
        }
      }
      figures.add(new Figure(name.substring(type + 1), params, pinned, primary.getScore(), p50, p99, alloc));
    }
  }

  public void wireBytes(String codec, Message message, int bytes) {
    wireBytes.computeIfAbsent(codec, c -> new LinkedHashMap<>()).put(message, bytes);
  }

  /** The encoded size of {@code message} with {@code codec}, or null if not measured. */
  public Integer wireBytes(String codec, Message message) {
    Map<Message, Integer> sizes = wireBytes.get(codec);
    return sizes == null ? null : sizes.get(message);
  }

  /** A remark for the report's "not measured" section. */
  public void note(String note) {
    notes.add(note);
  }

  public List<String> notes() {
    return notes;
  }

  public void twisted(TwistedRun.Outcome outcome) {
    this.twisted = outcome;
  }

  public TwistedRun.Outcome twisted() {
    return twisted;
  }

  public void connections(ConnectionsRun.Outcome outcome) {
    connections.add(outcome);
  }

  /** The many-connections measures, one per transport run. */
  public List<ConnectionsRun.Outcome> connections() {
    return connections;
  }

  public List<Figure> figures() {
    return figures;
  }

  /**
   * The figure of {@code benchmark} whose parameters include every {@code name, value} pair given.
   */
  public Optional<Figure> find(String benchmark, boolean pinned, String... nameValues) {
    outer:
    for (Figure figure : figures) {
      if (!figure.benchmark().equals(benchmark) || figure.pinned() != pinned) {
        continue;
      }
      for (int i = 0; i < nameValues.length; i += 2) {
        if (!nameValues[i + 1].equals(figure.param(nameValues[i]))) {
          continue outer;
        }
      }
      return Optional.of(figure);
    }
    return Optional.empty();
  }
}
