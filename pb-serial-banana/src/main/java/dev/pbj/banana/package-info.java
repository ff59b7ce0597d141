/**
 * Banana, the byte format of Twisted's Perspective Broker: every token is a base-128 prefix, a type byte and, for
 * strings and floats, a body. {@link dev.pbj.banana.BananaSerializerProvider} plugs it into PBJ under the name
 * {@code banana}; {@link dev.pbj.banana.BananaEncoder} writes the tokens of one message and
 * {@link dev.pbj.banana.BananaDecoder} reads a connection's byte stream back into tokens, in any split.
 *
 * <p>Both speak Twisted's two dialects: {@code pb}, where the 31 words of PB's vocabulary travel as two-byte
 * VOCAB tokens, and {@code none}, where they are spelled out. Output is byte-identical to Twisted 22.4, checked
 * against the golden vectors in {@code testdata/banana/} captured from Twisted itself.
 */
package dev.pbj.banana;
