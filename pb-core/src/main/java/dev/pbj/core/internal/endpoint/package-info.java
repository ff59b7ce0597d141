/**
 * What the connections of one client or server share: the configuration, the thread pools and the timer, how
 * transports' links become connections (and how many may), and the set of connections with its graceful shutdown.
 */
package dev.pbj.core.internal.endpoint;
