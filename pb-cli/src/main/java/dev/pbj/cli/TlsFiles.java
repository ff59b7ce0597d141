package dev.pbj.cli;

import dev.pbj.TlsOptions;
import java.nio.file.Path;

/**
 * The PEM files a command line names for TLS: this side's certificate chain and key ({@code --tls-cert},
 * {@code --tls-key}), and the certificates it trusts ({@code --tls-client-ca} for {@code serve} and {@code demo},
 * {@code --tls-ca} for {@code call}). Read when a command runs, not when it is parsed.
 *
 * @param certificate the certificate chain, or null
 * @param key the private key; null exactly when {@code certificate} is
 * @param trusted the CA certificates, or null
 */
record TlsFiles(Path certificate, Path key, Path trusted) {

  /**
   * A server's options: its certificate and key, and with a client CA mutual TLS, a client without a certificate
   * that CA signed being refused.
   *
   * @throws IllegalArgumentException naming the file that cannot be used and why
   */
  TlsOptions server() {
    TlsOptions.Builder builder = TlsOptions.builder().keyCertChain(certificate, key);
    if (trusted != null) {
      builder.trustedCertificates(trusted).clientAuth(TlsOptions.ClientAuth.REQUIRED);
    }
    return builder.build();
  }

  /**
   * A client's options: the CAs it trusts to sign the server's certificate (default: the JDK's), and for mutual TLS
   * its own certificate and key.
   *
   * @throws IllegalArgumentException naming the file that cannot be used and why
   */
  TlsOptions client() {
    TlsOptions.Builder builder = TlsOptions.builder();
    if (trusted != null) {
      builder.trustedCertificates(trusted);
    }
    if (certificate != null) {
      builder.keyCertChain(certificate, key);
    }
    return builder.build();
  }
}
