package dev.pbj.websocket;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The server's HTTP side, on the I/O thread: a WebSocket upgrade at the endpoint's path goes to the
 * {@link UpgradeGate}; a GET or HEAD of a static resource is answered from memory; a plain request at the
 * endpoint's path gets 426 (upgrade required), anything else 404.
 */
final class HttpRoutes implements HttpHandler {

  /** A document served as it is, e.g. the demo page; its body is asked for on each request. */
  record StaticResource(String contentType, java.util.function.Supplier<byte[]> body) {}

  private final String webSocketPath;
  private final HttpHandler upgrade;
  private final Map<String, StaticResource> resources;

  HttpRoutes(String webSocketPath, HttpHandler upgrade, Map<String, StaticResource> resources) {
    this.webSocketPath = webSocketPath;
    this.upgrade = upgrade;
    this.resources = resources;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String path = exchange.getRequestPath();
    if (path.equals(webSocketPath) && isWebSocketUpgrade(exchange)) {
      upgrade.handleRequest(exchange);
      return;
    }
    StaticResource resource = resources.get(path);
    if (resource != null) {
      serve(exchange, resource);
    } else if (path.equals(webSocketPath)) {
      exchange.getResponseHeaders().put(Headers.UPGRADE, "websocket");
      respond(exchange, 426, path + " is a WebSocket endpoint: send an upgrade request (Upgrade: websocket)");
    } else {
      respond(exchange, 404, "nothing at " + path);
    }
  }

  private static boolean isWebSocketUpgrade(HttpServerExchange exchange) {
    String upgrade = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
    return upgrade != null && upgrade.toLowerCase(java.util.Locale.ROOT).contains("websocket");
  }

  private static void serve(HttpServerExchange exchange, StaticResource resource) {
    boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
    if (!head && !exchange.getRequestMethod().equals(Methods.GET)) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      respond(exchange, 405, exchange.getRequestMethod() + " is not allowed here (GET, HEAD)");
      return;
    }
    byte[] body = resource.body().get();
    exchange.setStatusCode(200);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, resource.contentType());
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    if (head) {
      exchange.endExchange();
    } else {
      exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
  }

  /** Ends the exchange with {@code status} and a one-line plain-text body. */
  static void respond(HttpServerExchange exchange, int status, String line) {
    byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }
}
