/**
 * Jazzer fuzz targets for the code that reads what a peer sends: {@link dev.pbj.fuzz.BananaDecoderFuzzTest},
 * {@link dev.pbj.fuzz.MsgpackDecoderFuzzTest}, {@link dev.pbj.fuzz.UnjellierFuzzTest},
 * {@link dev.pbj.fuzz.BrokerFuzzTest} and {@link dev.pbj.fuzz.DialectHandshakeFuzzTest} (the WebSocket message path
 * is {@code dev.pbj.websocket.WebSocketLinkFuzzTest}, beside the package-private link it drives). Each checks an
 * invariant beyond "no crash": every refusal is one of PBJ's typed exceptions ({@link dev.pbj.fuzz.Outcomes}), what
 * decodes re-encodes to the same tokens or values, and a broker's tables stay consistent and return to rest.
 *
 * <p>{@code mvn verify} replays each target's corpus under {@code src/test/resources/dev/pbj/…Inputs/<method>/}
 * (regression mode); {@code pb-fuzz/fuzz.sh} fuzzes them, one at a time, and writes
 * {@code target/fuzz-report.md}.
 */
package dev.pbj.fuzz;
