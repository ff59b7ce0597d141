/**
 * Login, in twisted.cred's model: a {@link dev.pbj.cred.Portal} asks its {@link dev.pbj.cred.CredentialsChecker}s
 * who the credentials belong to, then its {@link dev.pbj.cred.Realm} for that user's {@link dev.pbj.Avatar}. On the
 * wire PBJ speaks Twisted's challenge–response and anonymous logins, so Twisted clients log into PBJ servers and
 * back. Start with {@link dev.pbj.cred.InMemoryPasswordChecker} and {@link dev.pbj.cred.AllowAnonymousAccess}.
 */
package dev.pbj.cred;
