package dev.pbj.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.pbj.Broker;
import dev.pbj.Referenceable;
import dev.pbj.Remote;
import dev.pbj.TlsOptions;
import dev.pbj.core.PbClient;
import dev.pbj.core.PbServer;
import dev.pbj.testkit.TestPki;
import java.nio.file.Path;

/** The README's TLS example, run by {@link TlsExampleTest} with certificates a throwaway CA makes for it. */
final class TlsExample {
  private TlsExample() {}

  /** The served object. */
  public static final class Echo implements Referenceable {
    @Remote
    public Object echo(Object value) {
      return value;
    }
  }

  /** PEM files as openssl writes them: the CA's certificate, the server's and a client's certificate and key. */
  record Files(Path caCrt, Path serverCrt, Path serverKey, Path clientCrt, Path clientKey) {}

  static Files makeFiles(Path dir) {
    TestPki ca = TestPki.create(dir, "Example CA");
    TestPki.Issued server = ca.server(TestPki.KeyForm.RSA_PKCS1);
    TestPki.Issued client = ca.issue("alice", TestPki.KeyForm.EC_PKCS8);
    return new Files(ca.certificate(), server.certificate(), server.key(), client.certificate(), client.key());
  }

  /** Answers what the server echoed and who it found the client to be. */
  static String[] run(Files files) throws Exception {
    Path caCrt = files.caCrt();
    Path serverCrt = files.serverCrt();
    Path serverKey = files.serverKey();
    Path clientCrt = files.clientCrt();
    Path clientKey = files.clientKey();
    // README:tls-begin
    TlsOptions serverTls = TlsOptions.builder()
        .keyCertChain(serverCrt, serverKey)                    // PEM; keys in PKCS#8 or PKCS#1/SEC1 form
        .trustedCertificates(caCrt)                            // mutual TLS: clients need a certificate it signed
        .clientAuth(TlsOptions.ClientAuth.REQUIRED)
        .build();
    TlsOptions clientTls = TlsOptions.builder()
        .trustedCertificates(caCrt)                            // whom to trust; the host name is checked too
        .keyCertChain(clientCrt, clientKey)
        .build();
    try (PbServer server = PbServer.builder().root(new Echo()).tls(serverTls)
            .listen("tls://127.0.0.1:0").build().start();
        PbClient client = PbClient.builder().tls(clientTls).build()) {
      Broker broker = client.connect(server.uri(0)).get(10, SECONDS);   // tls://127.0.0.1:port
      Object answer = broker.rootObject().callRemote("echo", "over TLS").get(10, SECONDS);
      Object who = server.connections().get(0).peerIdentity().orElseThrow();   // CN=alice
      // README:tls-end
      return new String[] {String.valueOf(answer), String.valueOf(who)};
    }
  }
}
