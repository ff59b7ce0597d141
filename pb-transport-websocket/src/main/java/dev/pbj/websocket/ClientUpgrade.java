package dev.pbj.websocket;

import dev.pbj.ProtocolException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A client's opening handshake (RFC 6455 section 4.1), by hand rather than through Netty's handshaker, which would
 * add an {@code Origin} header and has its own idea of a failed subprotocol choice: the upgrade request, the checks
 * of the server's answer, and the switch of the channel from HTTP to frames.
 */
final class ClientUpgrade {

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom NONCES = new SecureRandom();

  /** What the server's answer came to: the subprotocol it chose ({@code null}: none), or why the connect fails. */
  record Outcome(String subprotocol, Throwable failure) {}

  private final Endpoint endpoint;
  private final String key;
  private final FullHttpRequest request;

  /** @throws IllegalArgumentException when a serializer name or a header is not valid HTTP */
  ClientUpgrade(Endpoint endpoint, List<String> offered, Map<String, String> headers) {
    this.endpoint = endpoint;
    for (String name : offered) {
      if (!isToken(name)) {
        throw new IllegalArgumentException("the serializer name '" + name + "' cannot be offered as a WebSocket "
            + "subprotocol: it is not an HTTP token");
      }
    }
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    this.key = Base64.getEncoder().encodeToString(nonce);
    String target = endpoint.path() + (endpoint.query() == null ? "" : "?" + endpoint.query());
    this.request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target, Unpooled.EMPTY_BUFFER);
    HttpHeaders out = request.headers();
    headers.forEach(out::add); // validated by Netty: IllegalArgumentException for what HTTP cannot carry
    out.set(HttpHeaderNames.HOST, endpoint.uri().getRawAuthority()) // IPv6 literals in brackets
        .set(HttpHeaderNames.UPGRADE, "websocket")
        .set(HttpHeaderNames.CONNECTION, "Upgrade")
        .set(HttpHeaderNames.SEC_WEBSOCKET_KEY, key)
        .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13")
        .set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, String.join(", ", offered));
  }

  /** The request, once: it is released as it is written. */
  FullHttpRequest request() {
    return request;
  }

  /** Checks the server's answer: valid HTTP, 101, a WebSocket upgrade, the accept key that matches ours. */
  Outcome check(FullHttpResponse response) {
    if (response.decoderResult().isFailure()) { // Netty's stand-in for bytes that are no HTTP response
      Throwable why = response.decoderResult().cause();
      return new Outcome(null, new ProtocolException("the server at " + endpoint + " answered the WebSocket upgrade "
          + "with no valid HTTP response: " + why.getMessage(), why));
    }
    int status = response.status().code();
    if (status != 101) {
      String body = response.content().toString(StandardCharsets.UTF_8).strip();
      return new Outcome(null, new WebSocketUpgradeException(status, "the server at " + endpoint
          + " refused the WebSocket upgrade with HTTP " + status + (body.isEmpty() ? "" : ": " + body), null));
    }
    HttpHeaders headers = response.headers();
    String upgrade = headers.get(HttpHeaderNames.UPGRADE);
    if (upgrade == null || !upgrade.trim().equalsIgnoreCase("websocket")
        || !headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)) {
      return refused("its 101 is not a WebSocket upgrade (Upgrade: " + upgrade + ", Connection: "
          + headers.get(HttpHeaderNames.CONNECTION) + ")");
    }
    String accept = headers.get(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
    String expected = accept(key);
    if (!expected.equals(accept == null ? null : accept.trim())) {
      return refused("its Sec-WebSocket-Accept is " + accept + ", not " + expected);
    }
    String chosen = headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    return new Outcome(chosen == null || chosen.isBlank() ? null : chosen.trim(), null);
  }

  private Outcome refused(String why) {
    return new Outcome(null, new ProtocolException("the server at " + endpoint + " answered the WebSocket upgrade "
        + "wrongly: " + why));
  }

  /**
   * Replaces the HTTP codec with RFC 6455 frames: masked frames out, frames of at most {@code maxFrameSize} + 1
   * bytes in (one more than a message may have, so that the link's own limit names the oversized message). Bytes
   * the server sent after its 101, in the same read, reach the frame decoder, which is returned; before it sits a
   * handler named {@value #KICK} that does nothing, whose context lets the link feed the decoder an empty read.
   * The channel reads nothing more (auto-read off, one frame per decode) until the link resumes it.
   */
  WebSocket13FrameDecoder switchToFrames(ChannelPipeline pipeline, int maxFrameSize) {
    pipeline.remove(HttpObjectAggregator.class);
    ChannelHandlerContext codec = pipeline.context(HttpClientCodec.class);
    ((HttpClientCodec) codec.handler()).removeOutboundHandler();
    var config = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(maxFrameSize == Integer.MAX_VALUE ? maxFrameSize : maxFrameSize + 1)
        .expectMaskedFrames(false)
        .allowMaskMismatch(false)
        .allowExtensions(false)
        .closeOnProtocolViolation(false) // the link closes, with its own close frame
        .build();
    var decoder = new WebSocket13FrameDecoder(config);
    decoder.setSingleDecode(true);
    pipeline.channel().config().setAutoRead(false);
    pipeline.addAfter(codec.name(), "ws-encoder", new WebSocket13FrameEncoder(true));
    pipeline.addAfter(codec.name(), "ws-decoder", decoder);
    pipeline.addAfter(codec.name(), KICK, new ChannelInboundHandlerAdapter());
    // Removed once the read that carried the 101 is over: the codec hands its leftover bytes on as it goes.
    pipeline.channel().eventLoop().execute(() -> pipeline.remove(codec.handler()));
    return decoder;
  }

  /** The name of the handler before the frame decoder. */
  static final String KICK = "ws-kick";

  static String accept(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  /** Whether {@code name} is an HTTP token (RFC 9110 section 5.6.2), as a subprotocol must be. */
  static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
