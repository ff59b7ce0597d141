/**
 * Jelly, PB's object serialization, over any serializer's tokens: values to tokens (the jellier, with the exporter
 * that records references and copies) and tokens to values (the unjellier, its frames and the importer), within the
 * limits and only for registered types.
 */
package dev.pbj.core.internal.jelly;
