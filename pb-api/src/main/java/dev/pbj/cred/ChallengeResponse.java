package dev.pbj.cred;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A username with the answer to PB's login challenge (Twisted's {@code IUsernameMD5Password}): the server sent 16
 * random bytes, the client answered {@code md5(md5(password) + challenge)}. A checker that knows the password (or
 * its MD5) verifies it here; the password itself never crosses the wire. Comparisons take constant time.
 */
public final class ChallengeResponse implements Credentials {
  private final String username;
  private final byte[] challenge;
  private final byte[] response;

  public ChallengeResponse(String username, byte[] challenge, byte[] response) {
    this.username = Objects.requireNonNull(username, "username");
    this.challenge = challenge.clone();
    this.response = response.clone();
  }

  public String username() {
    return username;
  }

  /** Whether the response was made from {@code password} (its UTF-8 bytes). */
  public boolean checkPassword(String password) {
    return checkMd5Password(md5(password.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether the response was made from a password whose MD5 digest is {@code passwordMd5}. */
  public boolean checkMd5Password(byte[] passwordMd5) {
    return MessageDigest.isEqual(respond(passwordMd5, challenge), response);
  }

  /** A fresh challenge: 16 random bytes, as Twisted sends. */
  public static byte[] newChallenge() {
    byte[] challenge = new byte[16];
    new SecureRandom().nextBytes(challenge);
    return challenge;
  }

  /** The client's answer to {@code challenge} for {@code password}: {@code md5(md5(password) + challenge)}. */
  public static byte[] respond(byte[] challenge, String password) {
    return respond(md5(password.getBytes(StandardCharsets.UTF_8)), challenge);
  }

  private static byte[] respond(byte[] passwordMd5, byte[] challenge) {
    MessageDigest md5 = digest();
    md5.update(passwordMd5);
    md5.update(challenge);
    return md5.digest();
  }

  /** The MD5 digest of {@code bytes}. */
  public static byte[] md5(byte[] bytes) {
    return digest().digest(bytes);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every Java platform", e);
    }
  }

  /** Never shows the response. */
  @Override
  public String toString() {
    return "ChallengeResponse(" + username + ")";
  }
}
