package dev.pbj.cred;

/** Anonymous credentials (Twisted's {@code credentials.Anonymous}): accepted only by {@link AllowAnonymousAccess}. */
public enum Anonymous implements Credentials {
  INSTANCE
}
