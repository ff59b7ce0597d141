package dev.pbj.bench.wire;

import io.netty.buffer.ByteBuf;
import java.util.HexFormat;
import java.util.List;

/**
 * The independent PB wire client's side of one connection, written from PROTOCOL.md and its captured exchanges, not
 * from PBJ's client: the opening exchange by hand (the server's banana list of dialect names; the bare string
 * {@code "pb"} and {@code (version 6)} back; the server's {@code (version 6)}), then {@code echo("hello")} calls as
 * a Twisted client sends them, {@code (message <id> "root" "echo" 1 (tuple "hello") (dictionary))} in the {@code pb}
 * dialect with ids counting up from 1, and every top-level list that comes back counted as an answer if it is one.
 *
 * <p>Against a raw byte echo ({@link #againstEcho()}) there is no opening exchange, and what comes back are the calls
 * themselves: the client's work per call (encode, scan, count) is the same, the server's is nothing.
 */
final class PbEchoCalls implements Wire, BananaScanner.Listener {
  static final int VERSION = 19;
  static final int MESSAGE = 26;
  static final int ANSWER = 27;
  static final int ERROR = 28;

  /** {@code 07 80} a list of seven, {@code 1a 87} the VOCAB {@code message}; the id follows. */
  private static final byte[] CALL_HEAD = HexFormat.of().parseHex("07801a87");
  /** {@code "root" "echo" 1 (tuple "hello") (dictionary)}, after the id. */
  private static final byte[] CALL_TAIL =
      HexFormat.of().parseHex("0482726f6f7404826563686f018102800b870582" + "68656c6c6f" + "01800587");
  /** The bare string {@code "pb"}, then {@code (version 6)} in the {@code pb} dialect. */
  static final byte[] CHOOSE_PB = HexFormat.of().parseHex("02827062" + "028013870681");
  /** An id's base-128 digits (at most five below 2^31) and the INT type byte. */
  private static final int MAX_ID_BYTES = 6;

  private enum State { DIALECTS, VERSION, CALLING }

  private final BananaScanner scanner = new BananaScanner(this);
  private final int answerCommand;
  private State state;
  private byte[] reply;
  private int answers;
  private long answered;
  private int nextId = 1;

  private PbEchoCalls(State state, int answerCommand) {
    this.state = state;
    this.answerCommand = answerCommand;
    scanner.captureStrings(state == State.DIALECTS);
  }

  /** Against a PB server: the opening exchange first; then every top-level list must be an {@code answer}. */
  static PbEchoCalls againstPbServer() {
    return new PbEchoCalls(State.DIALECTS, ANSWER);
  }

  /** Against a raw byte echo: calls at once; each call that comes back counts as its answer. */
  static PbEchoCalls againstEcho() {
    return new PbEchoCalls(State.CALLING, MESSAGE);
  }

  @Override
  public boolean ready() {
    return state == State.CALLING;
  }

  @Override
  public int read(ByteBuf in) {
    answers = 0;
    scanner.feed(in);
    return answers;
  }

  @Override
  public void expression(int command) {
    switch (state) {
      case DIALECTS -> {
        List<String> offered = scanner.takeStrings();
        scanner.captureStrings(false);
        if (command != -1 || !offered.contains("pb")) {
          throw new IllegalStateException("the server's first expression is not a list of dialects offering pb: "
              + offered);
        }
        reply = CHOOSE_PB;
        state = State.VERSION;
      }
      case VERSION -> {
        if (command != VERSION) {
          throw new IllegalStateException("expected the server's (version 6), got " + describe(command));
        }
        state = State.CALLING;
      }
      case CALLING -> {
        if (command != answerCommand) {
          throw new IllegalStateException("after " + answered + " answers, expected " + describe(answerCommand)
              + ", got " + describe(command) + (command == ERROR ? ": the server failed an echo call" : ""));
        }
        answers++;
        answered++;
      }
    }
  }

  private static String describe(int command) {
    return switch (command) {
      case VERSION -> "a version message";
      case MESSAGE -> "a message (a call)";
      case ANSWER -> "an answer";
      case ERROR -> "an error";
      case -1 -> "an expression that is not a list beginning with a PB command in the pb vocabulary";
      default -> "a list beginning with VOCAB " + command;
    };
  }

  @Override
  public byte[] takeReply() {
    byte[] taken = reply;
    reply = null;
    return taken;
  }

  @Override
  public void writeCalls(ByteBuf out, int count) {
    for (int i = 0; i < count; i++) {
      out.writeBytes(CALL_HEAD);
      int id = nextId;
      nextId = id == Integer.MAX_VALUE ? 1 : id + 1; // an INT below 2^31, as Twisted's counter stays for ages
      do {
        out.writeByte(id & 0x7f);
        id >>>= 7;
      } while (id != 0);
      out.writeByte(0x81);
      out.writeBytes(CALL_TAIL);
    }
  }

  @Override
  public int maxCallBytes() {
    return CALL_HEAD.length + MAX_ID_BYTES + CALL_TAIL.length;
  }
}
