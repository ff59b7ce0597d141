package dev.pbj.bench.report;

import java.util.List;

/**
 * How a report run was made, for its header.
 *
 * @param profile smoke, quick or full
 * @param settings the JMH settings of each pass, in words
 * @param serializers the PBJ serializers measured
 * @param transports the PBJ transports measured
 * @param pinnedSerializers the serializers measured (over tcp) in the pass pinned to one CPU; empty without one
 * @param servers the servers measured under the independent PB wire client ({@code pbj}, {@code twisted},
 *     {@code netty})
 * @param machine cores, CPU model, OS, JVM
 * @param loadBefore the 1-minute load average when the run started
 * @param loadAfter the 1-minute load average when it ended
 * @param seconds how long the run took
 * @param started when it started (ISO-8601)
 */
public record RunInfo(String profile, List<String> settings, List<String> serializers, List<String> transports,
    List<String> pinnedSerializers, List<String> servers, String machine, double loadBefore, double loadAfter,
    long seconds, String started) {
}
