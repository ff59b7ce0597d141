/**
 * Throughput measured with server and client in separate processes and the client as fast as raw Netty goes.
 * {@link dev.pbj.bench.wire.FloorThroughputBenchmark} is the throughput floor PBJ is held to (a raw Netty echo of
 * PBJ's tcp/msgpack bytes); {@link dev.pbj.bench.wire.ServerThroughputBenchmark} drives {@code pbj serve}, Twisted
 * PB's server and the raw echo with an independent PB wire client. Both run a
 * {@link dev.pbj.bench.wire.PipelinedClient} (calls written from its event loop as answers arrive) against a
 * {@link dev.pbj.bench.wire.ServerProcess}; the {@link dev.pbj.bench.wire.Wire} says what a call and an answer
 * are. Over WebSocket, {@link dev.pbj.bench.wire.WebSocketFloorBenchmark} (pipelined) and
 * {@link dev.pbj.bench.wire.WebSocketLatencyFloorBenchmark} (a blocking caller) are the floors: a raw Undertow echo,
 * {@link dev.pbj.bench.wire.RawWebSocketEchoServer}, of PBJ's ws/msgpack frames, spoken to by
 * {@link dev.pbj.bench.wire.WebSocketEcho}.
 */
package dev.pbj.bench.wire;
