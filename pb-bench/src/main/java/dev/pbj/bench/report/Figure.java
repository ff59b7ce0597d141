package dev.pbj.bench.report;

import java.util.Map;

/**
 * One measured configuration: a benchmark method with its parameters, from one pass (pinned to a CPU or not).
 *
 * @param benchmark the simple class name and method, e.g. {@code PbjLatencyBenchmark.echo}
 * @param params the JMH parameters
 * @param pinned whether the JVM ran pinned to one CPU
 * @param score the primary score: ns/op (codecs), µs/op mean (sample mode), ops/s (throughput)
 * @param p50 the median in the score's unit, sample mode only (else NaN)
 * @param p99 the 99th percentile, sample mode only (else NaN)
 * @param allocPerOp bytes allocated per operation in the whole JVM ({@code gc.alloc.rate.norm}), or NaN
 */
public record Figure(String benchmark, Map<String, String> params, boolean pinned, double score, double p50,
    double p99, double allocPerOp) {

  public String param(String name) {
    return params.get(name);
  }
}
