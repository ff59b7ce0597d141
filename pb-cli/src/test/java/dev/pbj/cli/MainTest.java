package dev.pbj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The command end to end, in process: one {@code pbj serve} on an ephemeral port, many {@code pbj call}s. */
class MainTest {
  private static final LineCollector serveOut = new LineCollector();
  private static final LineCollector serveErr = new LineCollector();
  private static PipedOutputStream serveStdin;
  private static CompletableFuture<Integer> serveStatus;
  private static String uri;

  /** What one command printed, and its exit status. */
  record Result(int status, String out, String err) {}

  @BeforeAll
  static void serve() throws Exception {
    PipedInputStream stdin = new PipedInputStream();
    serveStdin = new PipedOutputStream(stdin);
    serveStatus = inThread(new String[] {"serve", "--tcp", "127.0.0.1:0", "--until-stdin-closes"}, stdin,
        serveOut, serveErr);
    String line = serveOut.nextLine();
    assertThat(line).matches("listening tcp://127\\.0\\.0\\.1:\\d+");
    uri = line.substring("listening ".length());
    assertThat(uri).doesNotEndWith(":0");
  }

  @AfterAll
  static void stopServing() throws Exception {
    serveStdin.close();
    assertThat(serveStatus.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(serveErr.text()).as("serve's stderr").isEmpty();
  }

  /** Runs a command that blocks ({@code serve}) on a thread of its own. */
  private static CompletableFuture<Integer> inThread(String[] args, InputStream in, LineCollector out,
      LineCollector err) {
    CompletableFuture<Integer> status = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        status.complete(Main.run(args, in, out.stream, err.stream));
      } catch (Throwable e) {
        status.completeExceptionally(e);
      }
    }, "pbj-" + args[0]);
    thread.setDaemon(true);
    thread.start();
    return status;
  }

  private static Result pbj(String... args) {
    LineCollector out = new LineCollector();
    LineCollector err = new LineCollector();
    int status = Main.run(args, new ByteArrayInputStream(new byte[0]), out.stream, err.stream);
    return new Result(status, out.text(), err.text());
  }

  @Test
  void echoPrintsTheArgumentBackAsJson() {
    String value = "{\"a\":[1,2.5,\"x\",null,true],\"t\":{\"$tuple\":[{\"$bytes\":\"aGk=\"}]},"
        + "\"big\":1267650600228229401496703205376,\"s\":{\"$set\":[1]}}";
    assertThat(pbj("call", uri, "echo", value)).isEqualTo(new Result(0, value + "\n", ""));
    assertThat(pbj("call", uri, "echo", "\"h\u00e9llo\"")).isEqualTo(new Result(0, "\"h\u00e9llo\"\n", ""));
  }

  @Test
  void addPrintsTheSum() {
    assertThat(pbj("call", uri, "add", "2", "3")).isEqualTo(new Result(0, "5\n", ""));
    assertThat(pbj("call", uri, "add", "-5", "1.5")).isEqualTo(new Result(0, "-3.5\n", ""));
    assertThat(pbj("call", uri, "add", "1267650600228229401496703205376", "1").out())
        .isEqualTo("1267650600228229401496703205377\n");
    assertThat(pbj("call", uri, "add", "1", "--kw", "b=2")).isEqualTo(new Result(0, "3\n", ""));
    assertThat(pbj("call", "--kw=a=1", "--kw", "b=2", uri, "add")).isEqualTo(new Result(0, "3\n", ""));
  }

  @Test
  void counterIsPrintedAsARemoteReference() {
    assertThat(pbj("call", uri, "counter", "--kw", "start=5")).isEqualTo(new Result(0, "{\"$remote\":1}\n", ""));
  }

  @Test
  void remoteErrorPrintsTypeAndMessageAndExitsOne() {
    assertThat(pbj("call", uri, "fail", "\"nope\"")).isEqualTo(new Result(1, "", "twisted.spread.pb.Error: nope\n"));
    assertThat(pbj("call", uri, "crash"))
        .isEqualTo(new Result(1, "", "java.lang.IllegalStateException: crash requested\n"));
  }

  @Test
  void missingMethodIsARemoteError() {
    assertThat(pbj("call", uri, "nosuch")).isEqualTo(
        new Result(1, "", "twisted.spread.flavors.NoSuchMethod: No such method: remote_nosuch\n"));
  }

  @Test
  void refusedConnectionExitsTwo() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Result result = pbj("call", "tcp://127.0.0.1:" + closedPort, "echo", "1");
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("pbj call: cannot connect to tcp://127.0.0.1:" + closedPort + ": ")
        .containsIgnoringCase("refused");
  }

  @Test
  void argumentThatIsNotJsonExitsTwo() {
    Result result = pbj("call", uri, "echo", "hello");
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("pbj: argument 1 is not a value: not JSON")
        .contains("a string needs quotes: '\"hello\"'");
    assertThat(pbj("call", uri, "echo", "[1,").err()).doesNotContain("quotes");
    assertThat(pbj("call", uri, "echo", "--kw", "x=nope").err()).startsWith("pbj: keyword argument x is not");
  }

  /** The help a usage error in {@code args} shows: its command's, else pbj's. */
  static String usageFor(String... args) {
    return args.length > 0 && java.util.Set.of("serve", "demo", "call").contains(args[0]) ? Main.usage(args[0])
        : Main.usage();
  }

  @Test
  void badUsagePrintsUsageAndExitsTwo() {
    for (String[] args : new String[][] {{}, {"frobnicate"}, {"call", uri}, {"call", "--bogus", uri, "echo"},
        {"call", "127.0.0.1:8789", "echo"}, {"call", "--timeout", "0", uri, "echo"}, {"serve", "extra"},
        {"serve", "--tcp", "nowhere"}, {"call", "--kw", "novalue", uri, "echo"}, {"call", uri, "echo", "--timeout"}}) {
      Result result = pbj(args);
      assertThat(result.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(result.out()).isEmpty();
      assertThat(result.err()).as(String.join(" ", args)).startsWith("pbj: ").endsWith("\n" + usageFor(args));
    }
  }

  @Test
  void helpPrintsUsageOnStdout() {
    for (String help : new String[] {"help", "--help", "-h"}) {
      assertThat(pbj(help)).isEqualTo(new Result(0, Main.usage(), ""));
    }
    assertThat(Main.usage()).startsWith("Usage: pbj [-h] COMMAND").contains("Exit status:", "$bytes")
        .contains("  serve ", "  demo ", "  call ", "  help ", "  completion ");
    for (String command : new String[] {"serve", "demo", "call", "help", "completion"}) {
      assertThat(Main.usage(command)).startsWith("Usage: pbj " + command + " ");
      assertThat(pbj(command, "--help")).isEqualTo(new Result(0, Main.usage(command), ""));
      assertThat(pbj(command, "-h")).isEqualTo(new Result(0, Main.usage(command), ""));
      assertThat(pbj("help", command)).isEqualTo(new Result(0, Main.usage(command), ""));
    }
    assertThat(Main.usage("call")).contains("--serializer=NAME", "--login=USER[:PASS]", "--anonymous",
        "--kw=NAME=JSON", "--timeout=SECONDS", "--tls-ca=FILE", "--tls-cert=FILE", "--tls-key=FILE",
        "URI METHOD [ARG...]");
    assertThat(Main.usage("serve")).contains("--tcp=HOST:PORT", "--ws=HOST:PORT", "--tls=HOST:PORT",
        "--tls-cert=FILE", "--tls-key=FILE", "--tls-client-ca=FILE", "--serializers=NAME,...",
        "--until-stdin-closes", "--root=CLASS", "--class-path=JAR[:JAR...]");
    Result unknown = pbj("help", "frobnicate");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("pbj: unknown command 'frobnicate'");
  }

  @Test
  void completionPrintsABashScriptNamingTheCommands() {
    Result result = pbj("completion");
    assertThat(result.status()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).startsWith("#!/usr/bin/env bash").contains("complete ").endsWith("\n")
        .contains("serve", "demo", "call", "help", "completion", "--until-stdin-closes", "--kw");
  }

  @Test
  void loginCallsTheAvatar() {
    assertThat(pbj("call", "--login", "alice:wonderland", uri, "whoami")).isEqualTo(new Result(0, "\"alice\"\n", ""));
    assertThat(pbj("call", uri, "--login=bob:builder", "shout", "\"hi\""))
        .isEqualTo(new Result(0, "\"bob: hi\"\n", ""));
    assertThat(pbj("call", "--anonymous", uri, "whoami")).isEqualTo(new Result(0, "\"anonymous\"\n", ""));
    assertThat(pbj("call", "--login", "alice:wonderland", uri, "board")).isEqualTo(new Result(0, "{\"$remote\":1}\n",
        ""));
  }

  @Test
  void refusedLoginPrintsUnauthorizedLoginAndExitsOne() {
    assertThat(pbj("call", "--login", "alice:guess", uri, "whoami")).isEqualTo(new Result(1, "",
        "twisted.cred.error.UnauthorizedLogin: login as alice refused: unknown user or wrong password\n"));
    assertThat(pbj("call", "--login", "mallory:x:y", uri, "whoami").err())
        .startsWith("twisted.cred.error.UnauthorizedLogin: login as mallory refused");
  }

  @Test
  void loginOptionsAreChecked() {
    for (String[] args : new String[][] {{"call", "--login", "", uri, "whoami"},
        {"call", "--login", ":pw", uri, "whoami"}, {"call", "--login", "a:b", "--anonymous", uri, "whoami"},
        {"call", "--anonymous=yes", uri, "whoami"}}) {
      Result result = pbj(args);
      assertThat(result.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(result.out()).isEmpty();
      assertThat(result.err()).as(String.join(" ", args)).startsWith("pbj: ").endsWith("\n" + usageFor(args));
    }
    assertThat(pbj("call", "--login", ":pw", uri, "whoami").err()).contains("--anonymous");
  }

  @Test
  void serveRootServesAUsersClassFromAJar(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path source = dir.resolve("src/com/example/Greeter.java");
    java.nio.file.Files.createDirectories(source.getParent());
    java.nio.file.Files.writeString(source, String.join("\n",
        "package com.example;",
        "public class Greeter implements dev.pbj.Referenceable {",
        "  @dev.pbj.Remote public String greet(String name) { return \"hello \" + name; }",
        "}"));
    java.nio.file.Path classes = dir.resolve("classes");
    javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        source.toString())).isZero();
    java.nio.file.Path jar = dir.resolve("app.jar");
    try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar))) {
      out.putNextEntry(new java.util.jar.JarEntry("com/example/Greeter.class"));
      out.write(java.nio.file.Files.readAllBytes(classes.resolve("com/example/Greeter.class")));
      out.closeEntry();
    }
    PipedInputStream stdin = new PipedInputStream();
    LineCollector out = new LineCollector();
    LineCollector err = new LineCollector();
    try (PipedOutputStream stop = new PipedOutputStream(stdin)) {
      CompletableFuture<Integer> serving = inThread(new String[] {"serve", "--tcp", "127.0.0.1:0", "--root",
          "com.example.Greeter", "--class-path", jar.toString(), "--until-stdin-closes"}, stdin, out, err);
      String line = out.nextLine();
      assertThat(line).as(err.text()).startsWith("listening tcp://");
      String served = line.substring("listening ".length());
      assertThat(pbj("call", served, "greet", "\"jar\"")).isEqualTo(new Result(0, "\"hello jar\"\n", ""));
      assertThat(pbj("call", served, "whoami").err()).contains("NoSuchMethod"); // not the demo
      stop.close();
      assertThat(serving.get(20, TimeUnit.SECONDS)).isZero();
    }
    Result missing = pbj("serve", "--tcp", "127.0.0.1:0", "--root", "com.example.Nope", "--class-path",
        jar.toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("--root com.example.Nope: no such class");
    assertThat(pbj("serve", "--class-path", jar.toString()).err()).contains("give --root too");
  }

  @Test
  void serveBehindAProxyTakesTheProxyHeaderFirstAndRefusesBytesThatAreNone() throws Exception {
    PipedInputStream stdin = new PipedInputStream();
    LineCollector out = new LineCollector();
    LineCollector err = new LineCollector();
    try (PipedOutputStream stop = new PipedOutputStream(stdin)) {
      CompletableFuture<Integer> serving = inThread(new String[] {"serve", "--tcp", "127.0.0.1:0",
          "--proxy-protocol", "--trusted-proxy", "127.0.0.1", "--max-connections", "100", "--until-stdin-closes"},
          stdin, out, err);
      String line = out.nextLine();
      assertThat(line).as(err.text()).startsWith("listening tcp://");
      URI served = URI.create(line.substring("listening ".length()));
      try (java.net.Socket socket = new java.net.Socket(served.getHost(), served.getPort())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("PROXY TCP4 198.51.100.2 127.0.0.1 5555 8789\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(socket.getInputStream().read()).as("the dialect offer, after the header").isNotEqualTo(-1);
      }
      try (java.net.Socket socket = new java.net.Socket(served.getHost(), served.getPort())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(socket.getInputStream().read()).as("no offer: refused").isEqualTo(-1);
      }
      stop.close();
      assertThat(serving.get(20, TimeUnit.SECONDS)).isZero();
    }
    assertThat(pbj("serve", "--proxy-protocol", "--trusted-proxy", "proxy.example").err())
        .contains("not an IP address");
    assertThat(pbj("serve", "--max-connections", "0").err()).contains("at least 1");
  }

  @Test
  void loginWithoutPasswordTakesItFromStandardInputWhenNoTerminalAsks() {
    LineCollector out = new LineCollector();
    LineCollector err = new LineCollector();
    String[] args = {"call", "--login", "alice", uri, "whoami"};
    int status = Main.run(args, new ByteArrayInputStream("wonderland\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        out.stream, err.stream);
    assertThat(new Result(status, out.text(), err.text())).isEqualTo(new Result(0, "\"alice\"\n", ""));
    Result none = pbj(args); // nothing on standard input, no PBJ_PASSWORD, no terminal
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).contains("needs a password").contains("PBJ_PASSWORD");
  }

  @Test
  void copiesPrintAsCopyAndTravelFromJson() {
    assertThat(pbj("call", uri, "point", "3", "4"))
        .isEqualTo(new Result(0, "{\"$copy\":\"pbj.demo.Point\",\"state\":{\"x\":3,\"y\":4}}\n", ""));
    String point = "{\"$copy\": \"pbj.demo.Point\", \"state\": {\"x\": 1, \"y\": 2}}";
    assertThat(pbj("call", uri, "accept_point", point)).isEqualTo(new Result(0, "[1,2]\n", ""));
    assertThat(pbj("call", uri, "echo", "[" + point + "]"))
        .isEqualTo(new Result(0, "[{\"$copy\":\"pbj.demo.Point\",\"state\":{\"x\":1,\"y\":2}}]\n", ""));
    Result refused = pbj("call", uri, "echo", "{\"$copy\": \"evil.Thing\", \"state\": null}");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).startsWith("twisted.spread.jelly.InsecureJelly: ").contains("evil.Thing");
    assertThat(pbj("call", uri, "accept_point", "7"))
        .isEqualTo(new Result(1, "", "twisted.spread.pb.Error: expected a pbj.demo.Point copy, got 'Long'\n"));
  }

  @Test
  void roomPrintsAsCacheWithItsState() {
    assertThat(pbj("call", uri, "say", "\"hello room\"")).isEqualTo(new Result(0, "null\n", ""));
    Result room = pbj("call", uri, "room");
    assertThat(room.status()).isZero();
    assertThat(room.err()).isEmpty();
    assertThat(room.out()).startsWith("{\"$cache\":\"pbj.demo.Room\",\"state\":{\"topic\":\"PBJ demo room\","
        + "\"members\":[").contains("\"hello room\"").endsWith("]}}\n");
  }

  @Test
  void serveListensOnWebSocket() throws Exception {
    PipedInputStream stdin = new PipedInputStream();
    PipedOutputStream stdinWriter = new PipedOutputStream(stdin);
    LineCollector out = new LineCollector();
    LineCollector err = new LineCollector();
    CompletableFuture<Integer> status = inThread(new String[] {"serve", "--ws", "127.0.0.1:0",
        "--until-stdin-closes"}, stdin, out, err);
    String line = out.nextLine();
    assertThat(line).matches("listening ws://127\\.0\\.0\\.1:\\d+/pb");
    String ws = line.substring("listening ".length());
    assertThat(pbj("call", ws, "echo", "[1, \"two\"]")).isEqualTo(new Result(0, "[1,\"two\"]\n", ""));
    stdinWriter.close();
    assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(err.text()).isEmpty();
  }

  @Test
  void demoServesTcpWebSocketAndThePage() throws Exception {
    PipedInputStream stdin = new PipedInputStream();
    PipedOutputStream stdinWriter = new PipedOutputStream(stdin);
    LineCollector out = new LineCollector();
    LineCollector err = new LineCollector();
    CompletableFuture<Integer> status = inThread(new String[] {"demo", "--tcp", "127.0.0.1:0", "--ws",
        "127.0.0.1:0", "--until-stdin-closes"}, stdin, out, err);
    String tcpLine = out.nextLine();
    String wsLine = out.nextLine();
    String openLine = out.nextLine();
    assertThat(tcpLine).matches("listening tcp://127\\.0\\.0\\.1:\\d+");
    assertThat(wsLine).matches("listening ws://127\\.0\\.0\\.1:\\d+/pb");
    String tcp = tcpLine.substring("listening ".length());
    String ws = wsLine.substring("listening ".length());
    String port = ws.substring("ws://127.0.0.1:".length(), ws.length() - "/pb".length());
    assertThat(openLine).isEqualTo("open http://127.0.0.1:" + port + "/");
    String site = openLine.substring("open ".length());

    // one room for both transports
    assertThat(pbj("call", tcp, "say", "\"said over TCP\"")).isEqualTo(new Result(0, "null\n", ""));
    assertThat(pbj("call", ws, "room").out()).contains("\"said over TCP\"");
    assertThat(pbj("call", "--login", "bob:builder", ws, "shout", "\"over WebSocket\"").out())
        .isEqualTo("\"bob: over WebSocket\"\n");

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> page = get(http, site);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<script type=\"module\" src=\"demo.js\"></script>", "id=\"messages\"");
    assertThat(get(http, site + "index.html").body()).isEqualTo(page.body());
    assertThat(page.body()).as("the page's command-line hint names the real TCP address")
        .contains("pbj call " + tcp + " say").doesNotContain("HOST:PORT");
    HttpResponse<String> client = get(http, site + "pbj-client.js");
    assertThat(client.statusCode()).isEqualTo(200);
    assertThat(client.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertClientModule(http, site, client);
    HttpResponse<String> index = get(http, site + "pbj-client/index.js");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(index.body()).contains("export { connect");
    HttpResponse<String> module = get(http, site + "pbj-client/connection.js");
    assertThat(module.statusCode()).isEqualTo(200);
    assertThat(module.body()).contains("export function connect(");
    assertThat(get(http, site + "demo.js").body()).contains("registerCache('pbj.demo.Room'");
    assertThat(get(http, site + "demo.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    assertThat(get(http, site + "nonesuch.js").statusCode()).isEqualTo(404);

    stdinWriter.close();
    assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(err.text()).isEmpty();
  }

  @Test
  void demoUsageIsChecked() {
    for (String[] args : new String[][] {{"demo", "extra"}, {"demo", "--ws", "nowhere"}, {"demo", "--bogus"},
        {"demo", "--serializers", "banana"}}) {
      Result result = pbj(args);
      assertThat(result.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(result.out()).isEmpty();
      assertThat(result.err()).as(String.join(" ", args)).startsWith("pbj: ").endsWith("\n" + usageFor(args));
    }
    assertThat(pbj("demo", "--help")).isEqualTo(new Result(0, Main.usage("demo"), ""));
    assertThat(Main.usage("demo")).contains("pbj demo ", "[--tcp=HOST:PORT]", "[--ws=HOST:PORT]");
  }

  @Test
  void clusterTakesARedisAddressAndOnlyTheDemoRoom() {
    for (String command : java.util.List.of("serve", "demo")) {
      for (String bad : java.util.List.of("http://127.0.0.1:6379", "redis://", "127.0.0.1:6379", "redis://h:1/0")) {
        Result result = pbj(command, "--cluster", bad);
        assertThat(result.status()).as(command + " --cluster " + bad).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("pbj: --cluster takes redis://HOST:PORT, not '" + bad + "'");
      }
      assertThat(Main.usage(command)).contains("--cluster=redis://HOST:PORT");
    }
    Result result = pbj("serve", "--cluster", "redis://127.0.0.1:6379", "--root", "x.Y");
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).startsWith("pbj: --cluster shares the demo room; a --root CLASS has none");
  }

  @Test
  void demoRefusesAPortInUse() {
    String port = uri.substring(uri.lastIndexOf(':') + 1);
    Result result = pbj("demo", "--tcp", "127.0.0.1:0", "--ws", "127.0.0.1:" + port);
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("pbj demo: cannot listen on ws://127.0.0.1:" + port);
  }

  private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void unknownSerializerExitsTwo() {
    Result result = pbj("call", "--serializer", "nonesuch", uri, "echo", "1");
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("nonesuch");
    Result serve = pbj("serve", "--tcp", "127.0.0.1:0", "--serializers", "nonesuch");
    assertThat(serve.status()).isEqualTo(2);
    assertThat(serve.err()).contains("nonesuch");
  }

  @Test
  void eachSerializerCanBeChosenForACall() {
    for (String serializer : new String[] {"banana", "msgpack"}) {
      Result result = pbj("call", "--serializer", serializer, uri, "echo", "[1, \"two\", {\"$bytes\": \"AAE=\"}]");
      assertThat(result.status()).as(serializer).isEqualTo(0);
      assertThat(result.out().strip()).isEqualTo("[1,\"two\",{\"$bytes\":\"AAE=\"}]");
    }
  }

  @Test
  void serveRefusesAPortInUse() {
    String port = uri.substring(uri.lastIndexOf(':') + 1);
    Result result = pbj("serve", "--tcp", "127.0.0.1:" + port);
    assertThat(result.status()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("pbj serve: cannot listen on tcp://127.0.0.1:" + port);
  }

  @Test
  void serveListensOnEveryAddressGiven() throws Exception {
    PipedInputStream stdin = new PipedInputStream();
    PipedOutputStream stdinWriter = new PipedOutputStream(stdin);
    LineCollector out = new LineCollector();
    LineCollector err = new LineCollector();
    CompletableFuture<Integer> status = inThread(new String[] {"serve", "--tcp", "127.0.0.1:0",
        "--tcp=127.0.0.1:0", "--serializers", "banana", "--until-stdin-closes"}, stdin, out, err);
    String first = out.nextLine().substring("listening ".length());
    String second = out.nextLine().substring("listening ".length());
    assertThat(first).isNotEqualTo(second);
    assertThat(pbj("call", "--serializer", "banana", first, "echo", "1").out()).isEqualTo("1\n");
    assertThat(pbj("call", second, "echo", "2").out()).isEqualTo("2\n");
    stdinWriter.close();
    assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(err.text()).isEmpty();
  }

  /**
   * {@code /pbj-client.js} is the bundle the build made (always under CI, where Node is required), its source map
   * beside it; without Node, a module re-exporting the client's files.
   */
  static void assertClientModule(HttpClient http, String site, HttpResponse<String> client) throws Exception {
    HttpResponse<String> bundle = get(http, site + "pbj-client.min.js");
    if (bundle.statusCode() == 404 && !"true".equals(System.getenv("CI"))) {
      assertThat(client.body()).isEqualTo("export * from './pbj-client/index.js';\n");
      return;
    }
    assertThat(bundle.statusCode()).as("the bundle is served (CI builds it)").isEqualTo(200);
    assertThat(client.body()).isEqualTo(bundle.body())
        .endsWith("//# sourceMappingURL=pbj-client.min.js.map\n").contains("as connect").doesNotContain("import ");
    HttpResponse<String> map = get(http, site + "pbj-client.min.js.map");
    assertThat(map.statusCode()).isEqualTo(200);
    assertThat(map.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(map.body()).contains("\"sources\"", "connection.js");
  }
}
