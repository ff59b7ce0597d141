package dev.pbj;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the PEM files openssl writes: certificates ({@code BEGIN CERTIFICATE}, one or more, leaf first) and
 * unencrypted private keys in PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519, Ed448), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}) form. The last two are wrapped into PKCS#8
 * here, which is all the JDK's {@link KeyFactory} reads. Text around the blocks (openssl's {@code -text} output, an
 * {@code EC PARAMETERS} block) is ignored.
 *
 * <p>Every failure is an {@link IllegalArgumentException} naming the file and what is wrong with it.
 */
final class PemFiles {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";

  // the key algorithms a PKCS#8 key may name, dotted; then the two this class writes, as DER content
  private static final String RSA = "1.2.840.113549.1.1.1";
  private static final String RSA_PSS = "1.2.840.113549.1.1.10";
  private static final String EC = "1.2.840.10045.2.1";
  private static final String ED25519 = "1.3.101.112";
  private static final String ED448 = "1.3.101.113";
  private static final byte[] RSA_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  private static final byte[] EC_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private static final int SEQUENCE = 0x30;
  private static final int INTEGER = 0x02;
  private static final int OCTET_STRING = 0x04;
  private static final int NULL = 0x05;
  private static final int OID = 0x06;
  private static final int CONTEXT_0 = 0xa0;

  private PemFiles() {}

  /** One {@code -----BEGIN label-----} block: its label, whether a header says it is encrypted, its bytes. */
  record Block(String label, boolean encrypted, byte[] der) {}

  /** The certificates of {@code file}, in file order; at least one. */
  static List<X509Certificate> certificates(Path file, String what) {
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
    }
    int index = 0;
    for (Block block : blocks(file, what)) {
      if (!block.label().equals("CERTIFICATE") && !block.label().equals("TRUSTED CERTIFICATE")) {
        continue;
      }
      index++;
      try {
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
      } catch (CertificateException | ClassCastException e) {
        throw bad(file, what, "certificate " + index + " is not a valid X.509 certificate (" + e.getMessage() + ")",
            e);
      }
    }
    if (certificates.isEmpty()) {
      throw bad(file, what, "no -----BEGIN CERTIFICATE----- block", null);
    }
    return certificates;
  }

  /** The one private key of {@code file}. */
  static PrivateKey privateKey(Path file, String what) {
    PrivateKey key = null;
    for (Block block : blocks(file, what)) {
      byte[] pkcs8;
      switch (block.label()) {
        case "PRIVATE KEY":
          pkcs8 = block.der();
          break;
        case "RSA PRIVATE KEY":
          pkcs8 = block.encrypted() ? null : rsaToPkcs8(block.der());
          break;
        case "EC PRIVATE KEY":
          pkcs8 = block.encrypted() ? null : ecToPkcs8(file, what, block.der());
          break;
        case "ENCRYPTED PRIVATE KEY":
          pkcs8 = null;
          break;
        default:
          continue; // EC PARAMETERS, certificates kept beside the key, ...
      }
      if (pkcs8 == null) {
        throw bad(file, what, "the key is encrypted, which is not supported; decrypt it with "
            + "'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pem'", null);
      }
      if (key != null) {
        throw bad(file, what, "more than one private key", null);
      }
      key = pkcs8Key(file, what, pkcs8);
    }
    if (key == null) {
      throw bad(file, what, "no private key (expected -----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- "
          + "or -----BEGIN EC PRIVATE KEY-----)", null);
    }
    return key;
  }

  /**
   * Fails unless {@code key} is the private half of {@code certificate}'s public key: a mismatched pair would only
   * fail later, in every handshake, with a less helpful message.
   */
  static void checkPair(PrivateKey key, Path keyFile, X509Certificate certificate, Path certificateFile) {
    PublicKey publicKey = certificate.getPublicKey();
    boolean matches;
    if (key instanceof RSAKey && publicKey instanceof RSAKey) {
      matches = ((RSAKey) key).getModulus().equals(((RSAKey) publicKey).getModulus());
    } else if (key.getAlgorithm().equals("EC") && publicKey.getAlgorithm().equals("EC")) {
      matches = signs(key, publicKey, "SHA256withECDSA");
    } else if (key.getAlgorithm().startsWith("Ed") || key.getAlgorithm().equals("EdDSA")) {
      matches = signs(key, publicKey, "EdDSA");
    } else {
      matches = key.getAlgorithm().equals(publicKey.getAlgorithm());
    }
    if (!matches) {
      throw new IllegalArgumentException("the TLS private key " + keyFile + " (" + key.getAlgorithm()
          + ") does not belong to the first certificate of " + certificateFile + " (" + publicKey.getAlgorithm()
          + ", " + certificate.getSubjectX500Principal().getName() + ")");
    }
  }

  private static boolean signs(PrivateKey key, PublicKey publicKey, String algorithm) {
    try {
      byte[] probe = "pbj key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // different curves or algorithms: not a pair
    }
  }

  /** The PEM blocks of {@code file}, in order. */
  static List<Block> blocks(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw bad(file, what, "no such file", e);
    } catch (IOException e) {
      throw bad(file, what, "cannot be read (" + e + ")", e);
    }
    List<Block> blocks = new ArrayList<>();
    String[] lines = text.split("\r?\n|\r");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.startsWith(BEGIN) || !line.endsWith("-----")) {
        continue;
      }
      String label = line.substring(BEGIN.length(), line.length() - 5);
      StringBuilder base64 = new StringBuilder();
      boolean encrypted = false;
      int j = i + 1;
      for (; j < lines.length; j++) {
        String body = lines[j].strip();
        if (body.startsWith(END)) {
          if (!body.equals(END + label + "-----")) {
            throw bad(file, what, "line " + (j + 1) + ": '" + body + "' ends a block begun as '" + line + "'",
                null);
          }
          break;
        }
        if (body.indexOf(':') > 0) { // an RFC 1421 header such as "Proc-Type: 4,ENCRYPTED"
          encrypted |= body.startsWith("Proc-Type:") && body.contains("ENCRYPTED");
          continue;
        }
        base64.append(body);
      }
      if (j == lines.length) {
        throw bad(file, what, "'" + line + "' on line " + (i + 1) + " has no -----END " + label + "----- line",
            null);
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(base64.toString());
      } catch (IllegalArgumentException e) {
        throw bad(file, what, "the " + label + " block on line " + (i + 1) + " is not valid base64 ("
            + e.getMessage() + ")", e);
      }
      if (der.length == 0) {
        throw bad(file, what, "the " + label + " block on line " + (i + 1) + " is empty", null);
      }
      blocks.add(new Block(label, encrypted, der));
      i = j;
    }
    if (blocks.isEmpty()) {
      throw bad(file, what, "not a PEM file: no '-----BEGIN ...-----' line", null);
    }
    return blocks;
  }

  private static PrivateKey pkcs8Key(Path file, String what, byte[] pkcs8) {
    String algorithm;
    try {
      Der info = new Der(pkcs8).sequence();
      info.next(INTEGER);
      Der algorithmId = info.sequence();
      algorithm = oidString(algorithmId.next(OID));
    } catch (IllegalArgumentException e) {
      throw bad(file, what, "the private key is not valid PKCS#8 DER (" + e.getMessage() + ")", e);
    }
    String keyFactory = switch (algorithm) {
      case RSA -> "RSA";
      case RSA_PSS -> "RSASSA-PSS";
      case EC -> "EC";
      case ED25519 -> "Ed25519";
      case ED448 -> "Ed448";
      default -> throw bad(file, what, "the private key's algorithm " + algorithm + " is not supported (use RSA, EC, "
          + "Ed25519 or Ed448)", null);
    };
    try {
      return KeyFactory.getInstance(keyFactory).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw bad(file, what, "the " + keyFactory + " private key cannot be decoded (" + e.getMessage() + ")", e);
    }
  }

  /** PKCS#1 {@code RSAPrivateKey} inside a PKCS#8 {@code PrivateKeyInfo} for rsaEncryption. */
  static byte[] rsaToPkcs8(byte[] pkcs1) {
    byte[] algorithm = tlv(SEQUENCE, concat(tlv(OID, RSA_OID), tlv(NULL, new byte[0])));
    return tlv(SEQUENCE, concat(tlv(INTEGER, new byte[] {0}), algorithm, tlv(OCTET_STRING, pkcs1)));
  }

  /**
   * SEC1 {@code ECPrivateKey} inside a PKCS#8 {@code PrivateKeyInfo} for ecPublicKey, with the curve the SEC1
   * structure names in its {@code [0] parameters} (openssl always writes them).
   */
  static byte[] ecToPkcs8(Path file, String what, byte[] sec1) {
    byte[] curve = null;
    try {
      Der key = new Der(sec1).sequence();
      key.next(INTEGER);
      key.next(OCTET_STRING);
      while (key.hasMore()) {
        int tag = key.peekTag();
        byte[] content = key.next(tag);
        if (tag == CONTEXT_0) {
          Der parameters = new Der(content);
          curve = tlv(OID, parameters.next(OID));
        }
      }
    } catch (IllegalArgumentException e) {
      throw bad(file, what, "the EC private key is not valid SEC1 DER (" + e.getMessage() + ")", e);
    }
    if (curve == null) {
      throw bad(file, what, "the EC private key names no curve; convert it with "
          + "'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pem'", null);
    }
    byte[] algorithm = tlv(SEQUENCE, concat(tlv(OID, EC_OID), curve));
    return tlv(SEQUENCE, concat(tlv(INTEGER, new byte[] {0}), algorithm, tlv(OCTET_STRING, sec1)));
  }

  private static IllegalArgumentException bad(Path file, String what, String problem, Throwable cause) {
    return new IllegalArgumentException(what + " " + file + ": " + problem, cause);
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      byte[] digits = BigInteger.valueOf(length).toByteArray();
      int skip = digits[0] == 0 ? 1 : 0;
      out.write(0x80 | (digits.length - skip));
      out.write(digits, skip, digits.length - skip);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String oidString(byte[] oid) {
    if (oid.length == 0) {
      throw new IllegalArgumentException("empty object identifier");
    }
    StringBuilder dotted = new StringBuilder();
    int first = oid[0] & 0xff;
    dotted.append(Math.min(first / 40, 2)).append('.').append(first - 40 * Math.min(first / 40, 2));
    long value = 0;
    for (int i = 1; i < oid.length; i++) {
      value = (value << 7) | (oid[i] & 0x7f);
      if ((oid[i] & 0x80) == 0) {
        dotted.append('.').append(value);
        value = 0;
      }
    }
    return dotted.toString();
  }

  /** Just enough of a DER reader: the elements of one constructed value, in order. */
  private static final class Der {
    private final byte[] bytes;
    private int at;

    Der(byte[] bytes) {
      this.bytes = bytes;
    }

    boolean hasMore() {
      return at < bytes.length;
    }

    int peekTag() {
      if (!hasMore()) {
        throw new IllegalArgumentException("truncated at byte " + at);
      }
      return bytes[at] & 0xff;
    }

    /** The inside of the next element, a SEQUENCE. */
    Der sequence() {
      return new Der(next(SEQUENCE));
    }

    /** The content of the next element, which must have {@code tag}. */
    byte[] next(int tag) {
      int found = peekTag();
      if (found != tag) {
        throw new IllegalArgumentException(String.format("expected tag 0x%02x at byte %d, found 0x%02x", tag, at,
            found));
      }
      at++;
      if (!hasMore()) {
        throw new IllegalArgumentException("truncated at byte " + at);
      }
      int length = bytes[at++] & 0xff;
      if (length >= 0x80) {
        int count = length & 0x7f;
        if (count == 0 || count > 3 || at + count > bytes.length) {
          throw new IllegalArgumentException("bad length at byte " + (at - 1));
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (bytes[at++] & 0xff);
        }
      }
      if (length > bytes.length - at) {
        throw new IllegalArgumentException("an element of " + length + " bytes at byte " + at + " runs past the end ("
            + bytes.length + " bytes)");
      }
      byte[] content = java.util.Arrays.copyOfRange(bytes, at, at + length);
      at += length;
      return content;
    }
  }
}
