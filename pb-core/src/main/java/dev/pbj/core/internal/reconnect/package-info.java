/**
 * Kept connections: one URI reconnected with backoff, the login redone on each connection, the calls that wait
 * for the next one within their deadline, the stable root and avatar handles that outlive a connection, and the
 * events their listeners follow.
 */
package dev.pbj.core.internal.reconnect;
