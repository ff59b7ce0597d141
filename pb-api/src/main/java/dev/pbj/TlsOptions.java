package dev.pbj;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for {@code tls://host:port} (TCP) and {@code wss://} (WebSocket) connections: an {@link SSLContext} holding this
 * side's certificate and the certificates it trusts, whether a server asks its clients for certificates (mutual
 * TLS), and whether a client checks the server's name against the server's certificate (its DNS and IP subject
 * alternative names; on by default). Give it to {@code PbServer.builder().tls(…)} or {@code PbClient.builder().tls(…)};
 * it applies to their {@code tls://} and {@code wss://} URIs only.
 *
 * <pre>{@code
 * TlsOptions server = TlsOptions.builder()
 *     .keyCertChain(Path.of("server.pem"), Path.of("server.key"))   // PEM, as openssl writes them
 *     .trustedCertificates(Path.of("clients-ca.pem")).clientAuth(TlsOptions.ClientAuth.REQUIRED)   // mutual TLS
 *     .build();
 * TlsOptions client = TlsOptions.builder().trustedCertificates(Path.of("ca.pem")).build();
 * }</pre>
 *
 * <p>PEM files: the certificate chain is one or more {@code BEGIN CERTIFICATE} blocks, the server's (or client's)
 * own first; the key an unencrypted {@code BEGIN PRIVATE KEY} (PKCS#8: RSA, EC, Ed25519), {@code BEGIN RSA PRIVATE
 * KEY} (PKCS#1) or {@code BEGIN EC PRIVATE KEY} (SEC1). Files are read by {@link Builder#build()}, which fails with an
 * {@link IllegalArgumentException} naming the file and what is wrong with it. Without trusted certificates the JDK's
 * default trust store is used.
 *
 * <p>Immutable and thread-safe; the {@link SSLContext} is shared as given.
 */
public final class TlsOptions {

  /** Whether a server asks its clients for a certificate, checked against its trusted certificates. */
  public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** Asked for; a client without one is served, one with a certificate the server does not trust is refused. */
    OPTIONAL,
    /** Mutual TLS: a client without a certificate that the server trusts is refused during the handshake. */
    REQUIRED
  }

  private final SSLContext context;
  private final ClientAuth clientAuth;
  private final boolean verifyHostname;
  private final String description;

  private TlsOptions(SSLContext context, ClientAuth clientAuth, boolean verifyHostname, String description) {
    this.context = context;
    this.clientAuth = clientAuth;
    this.verifyHostname = verifyHostname;
    this.description = description;
  }

  /** TLS with {@code context} as given: no client certificates asked for, the server's name checked. */
  public static TlsOptions of(SSLContext context) {
    return builder().sslContext(context).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The context engines are made from. */
  public SSLContext sslContext() {
    return context;
  }

  /** What a server asks of its clients; clients ignore it. */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** Whether a client checks that the server's certificate names the host it connected to. */
  public boolean verifiesHostname() {
    return verifyHostname;
  }

  /**
   * A new engine for the client side of a connection to {@code host}: it sends the name (SNI) when it is not an IP
   * address, and checks the server's certificate against it unless {@link #verifiesHostname()} is off.
   *
   * @param host the host name or IP address as the URI gave it, without brackets
   */
  public SSLEngine newClientEngine(String host, int port) {
    SSLEngine engine = context.createSSLEngine(host, port);
    engine.setUseClientMode(true);
    if (verifyHostname) {
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
    }
    return engine;
  }

  /** A new engine for the server side of an accepted connection, asking for client certificates per {@link #clientAuth()}. */
  public SSLEngine newServerEngine() {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    switch (clientAuth) {
      case REQUIRED -> engine.setNeedClientAuth(true);
      case OPTIONAL -> engine.setWantClientAuth(true);
      case NONE -> engine.setNeedClientAuth(false);
    }
    return engine;
  }

  @Override
  public String toString() {
    return "TlsOptions[" + description + ", clientAuth=" + clientAuth
        + (verifyHostname ? "" : ", hostname not verified") + "]";
  }

  /** Configures {@link TlsOptions}: an {@link SSLContext}, or PEM files that {@link #build()} reads. Not thread-safe. */
  public static final class Builder {
    private SSLContext context;
    private Path certificateChain;
    private Path privateKey;
    private Path trustedCertificates;
    private ClientAuth clientAuth = ClientAuth.NONE;
    private boolean verifyHostname = true;

    private Builder() {}

    /** Uses {@code context} as given, instead of PEM files. */
    public Builder sslContext(SSLContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * This side's certificate chain (PEM, its own certificate first, then any intermediates) and private key (PEM:
     * PKCS#8, PKCS#1 or SEC1, unencrypted). A server needs one; a client only for mutual TLS.
     */
    public Builder keyCertChain(Path certificateChain, Path privateKey) {
      this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /**
     * The certificates this side trusts (PEM, one or more CA certificates): a client's for the server, a server's
     * for its clients' certificates. Default: the JDK's trust store.
     */
    public Builder trustedCertificates(Path caCertificates) {
      this.trustedCertificates = Objects.requireNonNull(caCertificates, "caCertificates");
      return this;
    }

    /** What a server asks of its clients; default {@link ClientAuth#NONE}. */
    public Builder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
      return this;
    }

    /**
     * Whether a client checks the server's name against its certificate; default true. Turning it off leaves the
     * connection open to anyone holding any certificate the trusted CAs signed: for tests only. Both {@code tls://}
     * and {@code wss://} clients honour it.
     */
    public Builder verifyHostname(boolean verify) {
      this.verifyHostname = verify;
      return this;
    }

    /**
     * The options, reading the PEM files now.
     *
     * @throws IllegalArgumentException for a file that is missing or unreadable, holds no certificate or key, or a
     *     key that does not belong to the certificate; the message names the file and the problem
     * @throws IllegalStateException when both an {@link SSLContext} and PEM files were given
     */
    public TlsOptions build() {
      if (context != null) {
        if (certificateChain != null || trustedCertificates != null) {
          throw new IllegalStateException("TlsOptions: sslContext(...) excludes keyCertChain(...) and "
              + "trustedCertificates(...); put the keys and trust into the context instead");
        }
        return new TlsOptions(context, clientAuth, verifyHostname, "SSLContext " + context.getProtocol());
      }
      KeyManager[] keyManagers = null;
      StringBuilder description = new StringBuilder();
      if (certificateChain != null) {
        List<X509Certificate> chain = PemFiles.certificates(certificateChain, "TLS certificate chain");
        PrivateKey key = PemFiles.privateKey(privateKey, "TLS private key");
        PemFiles.checkPair(key, privateKey, chain.get(0), certificateChain);
        keyManagers = keyManagers(key, chain);
        description.append("certificate ").append(chain.get(0).getSubjectX500Principal().getName());
      } else {
        description.append("no certificate");
      }
      TrustManager[] trustManagers = null;
      if (trustedCertificates != null) {
        trustManagers = trustManagers(PemFiles.certificates(trustedCertificates, "TLS trusted certificates"));
        description.append(", trusts ").append(trustedCertificates);
      } else {
        description.append(", trusts the JDK's CAs");
      }
      try {
        SSLContext built = SSLContext.getInstance("TLS");
        built.init(keyManagers, trustManagers, null);
        return new TlsOptions(built, clientAuth, verifyHostname, description.toString());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JVM cannot make a TLS context: " + e.getMessage(), e);
      }
    }

    private static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain) {
      // an in-memory store only, never written: its password protects nothing
      char[] password = "pbj".toCharArray();
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("pbj", key, password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException("the TLS key and certificate cannot be used together: " + e.getMessage(),
            e);
      }
    }

    private static TrustManager[] trustManagers(List<X509Certificate> certificates) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < certificates.size(); i++) {
          store.setCertificateEntry("ca-" + i, certificates.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("this JVM cannot make a trust store: " + e.getMessage(), e);
      }
    }
  }
}
