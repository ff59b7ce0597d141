package dev.pbj;

/**
 * What a connection has carried so far, for metrics: counters that only grow while it is open.
 *
 * @param bytesReceived message bytes taken from the peer (the serializer's bytes, before any TLS or WebSocket
 *     framing)
 * @param bytesSent message bytes handed to the transport for the peer
 * @param readPauses how often reading stopped for back-pressure (unread output, undecoded input or the peer's
 *     pending calls at their limit)
 */
public record TrafficStats(long bytesReceived, long bytesSent, long readPauses) {
  public static final TrafficStats NONE = new TrafficStats(0, 0, 0);
}
