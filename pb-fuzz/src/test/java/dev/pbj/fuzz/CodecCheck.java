package dev.pbj.fuzz;

import static dev.pbj.fuzz.Outcomes.check;

import dev.pbj.Limits;
import dev.pbj.ProtocolException;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.MessageEncoder;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.testkit.Token;
import dev.pbj.testkit.TokenPlayer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The invariant of a byte-stream codec under hostile input, shared by the banana and msgpack targets:
 *
 * <ol>
 *   <li>decoding fails only with {@link ProtocolException} (a {@link dev.pbj.LimitExceededException} for a
 *       limit), and a failed decoder refuses every later feed the same way;
 *   <li>the tokens obey the sink contract ({@link CheckedRecorder});
 *   <li>fed in pieces the decoder reports the same tokens and the same outcome as fed whole: pieces of 1, 2, 3 …
 *       up to 16 bytes and again from 1, so that each input is cut at about one offset in eight, and the fuzzer's
 *       shifting mutations move every boundary under a cut over time (one byte at a time cut at all of them, and
 *       cost a third of the target's time);
 *   <li>every whole value it reported encodes without error (what passed the receiving limits passes the sending
 *       ones), and the encoding decodes back to the same tokens (up to {@code canonical}), and encodes again to
 *       the same bytes.
 * </ol>
 */
final class CodecCheck {
  private final SerializerProvider provider;
  private final String dialect;
  private final Limits limits;
  private final boolean textAllowed;
  private final UnaryOperator<List<Token>> canonical;

  CodecCheck(SerializerProvider provider, String dialect, Limits limits, boolean textAllowed,
      UnaryOperator<List<Token>> canonical) {
    this.provider = provider;
    this.dialect = dialect;
    this.limits = limits;
    this.textAllowed = textAllowed;
    this.canonical = canonical;
  }

  /** What one decoding produced. */
  private record Decoded(List<Token> tokens, ProtocolException failure, boolean inMessage) {}

  void run(byte[] input) {
    Decoded whole = decode(input, input.length);
    Decoded pieces = decode(input, 1);
    check(whole.tokens.equals(pieces.tokens), "fed whole and in pieces, the tokens differ:\n"
        + whole.tokens + "\n" + pieces.tokens);
    check((whole.failure == null) == (pieces.failure == null), "fed whole the outcome was " + whole.failure
        + ", in pieces " + pieces.failure);
    if (whole.failure == null) {
      check(whole.inMessage == pieces.inMessage, "inMessage() differs between whole and in pieces");
    }
    List<Token> values = Tokens.wholeValues(whole.tokens);
    if (values.isEmpty()) {
      return;
    }
    byte[] encoded = encode(values);
    Decoded again = decode(encoded, encoded.length);
    if (again.failure != null) {
      throw new AssertionError("the encoding of decoded values does not decode: " + again.failure, again.failure);
    }
    check(!again.inMessage, "the encoding of whole values ends inside a message");
    check(canonical.apply(again.tokens).equals(canonical.apply(values)),
        "decoded, encoded and decoded again, the tokens differ:\n" + values + "\n" + again.tokens);
    byte[] twice = encode(again.tokens);
    check(java.util.Arrays.equals(encoded, twice), "encoding is not stable: the bytes differ the second time");
  }

  /** Decodes {@code input} whole ({@code piece} its length) or, with {@code piece} 1, in pieces of 1 to 16 bytes. */
  private Decoded decode(byte[] input, int piece) {
    CheckedRecorder sink = new CheckedRecorder(textAllowed);
    MessageDecoder decoder = provider.newDecoder(dialect, limits, sink);
    ProtocolException failure = null;
    try {
      int size = piece;
      for (int at = 0; at < input.length; at += size, size = piece == 1 ? size % 16 + 1 : size) {
        decoder.feed(ByteBuffer.wrap(input, at, Math.min(size, input.length - at)));
      }
    } catch (ProtocolException e) {
      failure = e;
    } catch (RuntimeException | Error e) {
      Outcomes.requireTyped(e, ProtocolException.class);
    }
    if (failure != null) {
      try {
        decoder.feed(ByteBuffer.wrap(new byte[] {0}));
        throw new AssertionError("a decoder that failed (" + failure + ") accepted more input");
      } catch (ProtocolException expected) {
        // dead, as documented
      }
    }
    return new Decoded(List.copyOf(sink.tokens), failure, failure == null && decoder.inMessage());
  }

  private byte[] encode(List<Token> values) {
    MessageEncoder encoder = provider.newEncoder(dialect, limits);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (List<Token> value : Tokens.split(values)) {
      try {
        TokenPlayer.play(value, encoder);
      } catch (RuntimeException e) {
        throw new AssertionError("a decoded value does not encode: " + e, e);
      }
      out.writeBytes(encoder.takeMessage());
    }
    return out.toByteArray();
  }
}
