/**
 * How a received call finds its Java method: the method table of a class (annotated remote methods by wire name),
 * argument binding and coercion of received values to parameter types.
 */
package dev.pbj.core.internal.dispatch;
