package dev.pbj.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pbj.Limits;
import dev.pbj.banana.BananaSerializerProvider;

/**
 * Banana bytes in dialect {@code pb} (the vocabulary's too) through {@link dev.pbj.banana.BananaDecoder}: see
 * {@link CodecCheck} for what must hold. Byte strings that spell a vocabulary word come back as that word, so tokens
 * are compared with every word spelled out.
 */
class BananaDecoderFuzzTest {
  private static final CodecCheck CHECK = new CodecCheck(new BananaSerializerProvider(), "pb", Limits.defaults(),
      false, Tokens::symbolsAsBytes);

  @FuzzTest
  void decode(byte[] input) {
    CHECK.run(input);
  }
}
