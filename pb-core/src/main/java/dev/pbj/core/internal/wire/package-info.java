/**
 * The bytes of a connection before they are messages: the dialect handshake that picks the serializer, and the
 * message reader that turns one serializer's token events into whole received messages, within the limits.
 */
package dev.pbj.core.internal.wire;
