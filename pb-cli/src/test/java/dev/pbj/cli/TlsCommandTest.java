package dev.pbj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.testkit.TestPki;
import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pbj serve --tls}, {@code pbj demo --tls} and {@code pbj call --tls-ca}, in process, with PEM files a
 * throwaway CA ({@link TestPki}) makes for the test.
 */
class TlsCommandTest {
  @TempDir
  static Path dir;
  private static TestPki ca;
  private static TestPki.Issued server;
  private static TestPki.Issued client;
  private static TestPki.Issued stranger;

  record Result(int status, String out, String err) {}

  /** A {@code serve} or {@code demo} running until its standard input closes. */
  private record Running(CompletableFuture<Integer> status, PipedOutputStream stdin, LineCollector out,
      LineCollector err) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      stdin.close();
      assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(err.text()).as("stderr").isEmpty();
    }
  }

  @BeforeAll
  static void makeCertificates() {
    ca = TestPki.create(dir, "PBJ test CA");
    server = ca.server(TestPki.KeyForm.RSA_PKCS1);
    client = ca.issue("alice", TestPki.KeyForm.EC_SEC1);
    stranger = TestPki.create(dir, "Another CA").issue("mallory", TestPki.KeyForm.RSA_PKCS8);
  }

  @Test
  void serveTlsAnswersACallThatTrustsItsCa() throws Exception {
    try (Running serving = run("serve", "--tls", "127.0.0.1:0", "--tls-cert", server.certificate().toString(),
        "--tls-key", server.key().toString(), "--until-stdin-closes")) {
      String line = serving.out().nextLine();
      assertThat(line).matches("listening tls://127\\.0\\.0\\.1:\\d+");
      String uri = line.substring("listening ".length());

      assertThat(pbj("call", "--tls-ca", ca.certificate().toString(), uri, "echo", "\"secret\""))
          .isEqualTo(new Result(0, "\"secret\"\n", ""));
      assertThat(pbj("call", "--tls-ca=" + ca.certificate(), "--login", "alice:wonderland", uri, "whoami"))
          .isEqualTo(new Result(0, "\"alice\"\n", ""));
      String localhost = uri.replace("127.0.0.1", "localhost"); // the DNS name of the certificate too
      assertThat(pbj("call", "--tls-ca", ca.certificate().toString(), localhost, "add", "1", "2").out())
          .isEqualTo("3\n");

      Result untrusted = pbj("call", uri, "echo", "1"); // the JDK's CAs never signed the test CA
      assertThat(untrusted.status()).isEqualTo(2);
      assertThat(untrusted.err()).startsWith("pbj call: cannot connect to " + uri + ": TLS handshake failed: ");
    }
  }

  @Test
  void serveTlsBesideTcpWithAClientCaRefusesClientsWithoutItsCertificate() throws Exception {
    try (Running serving = run("serve", "--tcp", "127.0.0.1:0", "--tls", "127.0.0.1:0", "--tls-cert",
        server.certificate().toString(), "--tls-key", server.key().toString(), "--tls-client-ca",
        ca.certificate().toString(), "--until-stdin-closes")) {
      String tcp = serving.out().nextLine().substring("listening ".length());
      String tls = serving.out().nextLine().substring("listening ".length());
      assertThat(tcp).startsWith("tcp://");
      assertThat(tls).startsWith("tls://");
      String trust = ca.certificate().toString();

      assertThat(pbj("call", tcp, "echo", "1").out()).isEqualTo("1\n");
      Result anonymous = pbj("call", "--tls-ca", trust, tls, "echo", "1");
      assertThat(anonymous.status()).isEqualTo(2);
      assertThat(anonymous.err()).contains("TLS handshake failed");
      Result fromStranger = pbj("call", "--tls-ca", trust, "--tls-cert", stranger.certificate().toString(),
          "--tls-key", stranger.key().toString(), tls, "echo", "1");
      assertThat(fromStranger.status()).isEqualTo(2);
      assertThat(fromStranger.err()).contains("TLS handshake failed");
      assertThat(pbj("call", "--tls-ca", trust, "--tls-cert", client.certificate().toString(), "--tls-key",
          client.key().toString(), tls, "echo", "[\"mutual\"]")).isEqualTo(new Result(0, "[\"mutual\"]\n", ""));
    }
  }

  @Test
  void demoServesTlsBesideTcpAndWebSocket() throws Exception {
    try (Running demo = run("demo", "--tcp", "127.0.0.1:0", "--ws", "127.0.0.1:0", "--tls", "127.0.0.1:0",
        "--tls-cert", server.certificate().toString(), "--tls-key", server.key().toString(),
        "--until-stdin-closes")) {
      String tcp = demo.out().nextLine().substring("listening ".length());
      assertThat(demo.out().nextLine()).matches("listening ws://127\\.0\\.0\\.1:\\d+/pb");
      String tlsLine = demo.out().nextLine();
      assertThat(tlsLine).matches("listening tls://127\\.0\\.0\\.1:\\d+");
      assertThat(demo.out().nextLine()).startsWith("open http://127.0.0.1:");
      String tls = tlsLine.substring("listening ".length());
      assertThat(pbj("call", "--tls-ca", ca.certificate().toString(), tls, "say", "\"over TLS\"").status())
          .isZero();
      assertThat(pbj("call", tcp, "room").out()).contains("\"over TLS\""); // one room
    }
  }

  @Test
  void tlsOptionsAreChecked() {
    String cert = server.certificate().toString();
    String key = server.key().toString();
    for (String[] args : new String[][] {
        {"serve", "--tls", "127.0.0.1:0"},
        {"serve", "--tls", "127.0.0.1:0", "--tls-cert", cert},
        {"serve", "--tcp", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key},
        {"serve", "--tls", "nowhere", "--tls-cert", cert, "--tls-key", key},
        {"demo", "--tls", "127.0.0.1:0", "--tls-key", key},
        {"demo", "--tls-client-ca", cert},
        {"call", "--tls-ca", cert, "tcp://127.0.0.1:8789", "echo", "1"},
        {"call", "--tls-cert", cert, "tls://127.0.0.1:8789", "echo", "1"},
        {"call", "--tls-ca", "", "tls://127.0.0.1:8789", "echo", "1"}}) {
      Result result = pbj(args);
      assertThat(result.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(result.out()).isEmpty();
      assertThat(result.err()).as(String.join(" ", args)).startsWith("pbj: ")
          .endsWith("\n" + MainTest.usageFor(args));
    }
    for (String command : new String[] {"serve", "demo"}) {
      assertThat(Main.usage(command)).as(command).contains("--tls=HOST:PORT", "--tls-cert=FILE", "--tls-key=FILE",
          "--tls-client-ca=FILE");
    }
    assertThat(Main.usage("call")).contains("--tls-ca=FILE", "--tls-cert=FILE", "--tls-key=FILE");
  }

  @Test
  void unusableFilesAreNamedAndExitTwo() {
    Path missing = dir.resolve("missing.key");
    Result serve = pbj("serve", "--tls", "127.0.0.1:0", "--tls-cert", server.certificate().toString(), "--tls-key",
        missing.toString());
    assertThat(serve).isEqualTo(new Result(2, "", "pbj serve: TLS private key " + missing + ": no such file\n"));
    Result call = pbj("call", "--tls-ca", server.key().toString(), "tls://127.0.0.1:8789", "echo", "1");
    assertThat(call).isEqualTo(new Result(2, "", "pbj call: TLS trusted certificates " + server.key()
        + ": no -----BEGIN CERTIFICATE----- block\n"));
  }

  private static Result pbj(String... args) {
    LineCollector out = new LineCollector();
    LineCollector err = new LineCollector();
    int status = Main.run(args, new ByteArrayInputStream(new byte[0]), out.stream, err.stream);
    return new Result(status, out.text(), err.text());
  }

  private static Running run(String... args) throws Exception {
    PipedInputStream stdin = new PipedInputStream();
    PipedOutputStream stdinWriter = new PipedOutputStream(stdin);
    LineCollector out = new LineCollector();
    LineCollector err = new LineCollector();
    CompletableFuture<Integer> status = new CompletableFuture<>();
    List<String> command = new ArrayList<>(List.of(args));
    Thread thread = new Thread(() -> {
      try {
        status.complete(Main.run(command.toArray(String[]::new), stdin, out.stream, err.stream));
      } catch (Throwable e) {
        status.completeExceptionally(e);
      }
    }, "pbj-" + args[0]);
    thread.setDaemon(true);
    thread.start();
    return new Running(status, stdinWriter, out, err);
  }
}
