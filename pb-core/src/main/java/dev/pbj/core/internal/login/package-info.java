/**
 * PB's login on one connection: the server's portal root and its challenge–response exchange, the client's half of
 * it, the avatars logged in (logged out when released), and the view points a Viewable is exported through.
 */
package dev.pbj.core.internal.login;
