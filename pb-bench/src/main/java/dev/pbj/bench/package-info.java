/**
 * PBJ's benchmarks and the report made from them. {@link dev.pbj.bench.Report} is the entry point: it runs the JMH
 * benchmarks of {@code codec}, {@code e2e}, {@code peers} and {@code wire} (the throughput floor and the servers
 * under an independent PB wire client, each server in a process of its own) programmatically, runs the Twisted
 * reference script, and writes {@code target/report/} (a Markdown table and PNG charts).
 */
package dev.pbj.bench;
