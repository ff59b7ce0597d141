package dev.pbj.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The independent PB wire client against the captured exchanges of PROTOCOL-REFERENCE.md §9, fed whole, one byte
 * at a time, and split at every offset.
 */
class PbEchoCallsTest {
  private static final HexFormat HEX = HexFormat.of();
  /** §9.1: Twisted's ("pb" "none"), then its (version 6). */
  private static final byte[] TWISTED_OPENING = HEX.parseHex("028002827062" + "04826e6f6e65" + "028013870681");
  /** (answer 2 "hi"), §9.3. */
  private static final byte[] ANSWER = HEX.parseHex("03801b87028102826869");

  @Test
  void writesTheCallTwistedSends() {
    PbEchoCalls calls = PbEchoCalls.againstEcho();
    ByteBuf out = Unpooled.buffer();
    calls.writeCalls(out, 2);
    byte[] second = java.util.Arrays.copyOfRange(bytes(out), out.readableBytes() / 2, out.readableBytes());
    // §9.3 with "hi" replaced by "hello": (message 2 "root" "echo" 1 (tuple "hello") (dictionary))
    assertThat(HEX.formatHex(second)).isEqualTo("07801a87" + "0281" + "0482726f6f74" + "04826563686f" + "0181"
        + "02800b87" + "058268656c6c6f" + "01800587");
  }

  @Test
  void idsAboveOneDigitUseMoreBase128Digits() {
    PbEchoCalls calls = PbEchoCalls.againstEcho();
    ByteBuf out = Unpooled.buffer();
    calls.writeCalls(out, 128);
    out.clear();
    calls.writeCalls(out, 1); // id 129 = 0x01 + 0x01 * 128
    assertThat(HEX.formatHex(bytes(out))).startsWith("07801a87" + "010181");
    assertThat(out.readableBytes()).isLessThanOrEqualTo(calls.maxCallBytes());
  }

  @Test
  void choosesPbAndCountsAnswersHoweverTheBytesAreSplit() {
    byte[] wire = concat(TWISTED_OPENING, ANSWER, ANSWER, ANSWER);
    for (int split = 0; split <= wire.length; split++) {
      int at = split;
      assertOpeningThenThreeAnswers(wire, calls -> {
        feed(calls, wire, 0, at);
        feed(calls, wire, at, wire.length);
      });
    }
    assertOpeningThenThreeAnswers(wire, calls -> {
      for (int i = 0; i < wire.length; i++) {
        feed(calls, wire, i, i + 1);
      }
    });
  }

  private void assertOpeningThenThreeAnswers(byte[] wire, Consumer<Recorder> feeding) {
    Recorder recorder = new Recorder(PbEchoCalls.againstPbServer());
    feeding.accept(recorder);
    assertThat(recorder.reply).isEqualTo(PbEchoCalls.CHOOSE_PB);
    assertThat(recorder.calls.ready()).isTrue();
    assertThat(recorder.answers).isEqualTo(3);
  }

  @Test
  void choosesPbWhenAPbjServerOffersMsgpackFirst() {
    Recorder recorder = new Recorder(PbEchoCalls.againstPbServer());
    byte[] offer = HEX.parseHex("0380" + "07826d73677061636b" + "02827062" + "04826e6f6e65");
    feed(recorder, offer, 0, offer.length);
    assertThat(recorder.reply).isEqualTo(PbEchoCalls.CHOOSE_PB);
    assertThat(recorder.calls.ready()).isFalse(); // until the server's version
  }

  @Test
  void refusesAServerThatDoesNotOfferPb() {
    PbEchoCalls calls = PbEchoCalls.againstPbServer();
    assertThatThrownBy(() -> calls.read(Unpooled.wrappedBuffer(HEX.parseHex("018004826e6f6e65"))))
        .hasMessageContaining("offering pb").hasMessageContaining("[none]");
  }

  @Test
  void anErrorAnswerFailsTheRun() {
    PbEchoCalls calls = PbEchoCalls.againstPbServer();
    calls.read(Unpooled.wrappedBuffer(TWISTED_OPENING));
    // (error 1 "boom"), shortened: a failure is really a copy, but the command alone decides
    assertThatThrownBy(() -> calls.read(Unpooled.wrappedBuffer(HEX.parseHex("03801c87018104826f6f6f6f"))))
        .hasMessageContaining("got an error").hasMessageContaining("after 0 answers");
  }

  @Test
  void againstAnEchoItsOwnCallsAreItsAnswers() {
    PbEchoCalls calls = PbEchoCalls.againstEcho();
    assertThat(calls.ready()).isTrue();
    ByteBuf out = Unpooled.buffer();
    calls.writeCalls(out, 300);
    assertThat(calls.read(out)).isEqualTo(300);
    assertThat(out.isReadable()).isFalse();
  }

  private static void feed(Recorder recorder, byte[] wire, int from, int to) {
    recorder.answers += recorder.calls.read(Unpooled.wrappedBuffer(wire, from, to - from));
    byte[] reply = recorder.calls.takeReply();
    if (reply != null) {
      assertThat(recorder.reply).as("one reply only").isNull();
      recorder.reply = reply;
    }
  }

  private static byte[] bytes(ByteBuf buf) {
    byte[] bytes = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), bytes);
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuf all = Unpooled.buffer();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return bytes(all);
  }

  private static final class Recorder {
    final PbEchoCalls calls;
    byte[] reply;
    int answers;

    Recorder(PbEchoCalls calls) {
      this.calls = calls;
    }
  }
}
