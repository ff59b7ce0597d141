package dev.pbj.fuzz;

import static dev.pbj.fuzz.Outcomes.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pbj.FrozenSet;
import dev.pbj.InsecureJellyException;
import dev.pbj.Limits;
import dev.pbj.ProtocolException;
import dev.pbj.Tuple;
import dev.pbj.banana.BananaSerializerProvider;
import dev.pbj.cli.demo.DemoTypes;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.internal.jelly.CopyResolver;
import dev.pbj.core.internal.jelly.Exporter;
import dev.pbj.core.internal.jelly.Importer;
import dev.pbj.core.internal.jelly.Jellier;
import dev.pbj.core.internal.jelly.Unjellier;
import dev.pbj.msgpack.MsgpackSerializerProvider;
import dev.pbj.spi.MessageDecoder;
import dev.pbj.spi.SerializerProvider;
import dev.pbj.testkit.RecordingSink;
import dev.pbj.testkit.Token;
import dev.pbj.testkit.TokenPlayer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Jelly token events into the {@link Unjellier}, with the demo's copy types registered ({@code pbj.demo.Point},
 * the {@code pbj.demo.Room} cache) and no connection ({@link Importer#NONE}: references are refused, typed). The
 * events come from bytes through a decoder, banana's ({@link #banana}) or msgpack's ({@link #msgpack}, which also
 * carries text), so that the golden vectors and captured messages seed them. Each top-level value is unjellied, and
 * so is each field of a message ({@code (message id "root" "echo" …)}: fields after the leading word), as the
 * broker's reader does.
 *
 * <p>Invariant: unjellying fails only with {@link ProtocolException} or {@link InsecureJellyException}; a value it
 * builds is jellied again by the {@link Jellier} without error, and that unjellies to an equivalent value (the same
 * graph, sharing and cycles included: {@link Values}); every tuple and frozenset in it equals, hashes and prints as
 * its counterpart in the copy does, in bounded time (the sharing bombs among the seeds took 2^64 steps before).
 */
class UnjellierFuzzTest {
  private static final Limits LIMITS = Limits.defaults();
  private static final CopyRegistry COPIES = DemoTypes.registry();
  private static final SerializerProvider BANANA = new BananaSerializerProvider();
  private static final SerializerProvider MSGPACK = new MsgpackSerializerProvider();
  /** Tuple's documented bound, "at most about a thousand characters", with room for the elision mark. */
  private static final int MAX_TEXT = 1001;
  /** How many of a value's tuples and sets have their methods checked (see {@link #valueMethodsAgree}). */
  private static final int CHECKED_VALUES = 16;

  @FuzzTest
  void banana(byte[] input) {
    run(BANANA, "pb", input);
  }

  @FuzzTest
  void msgpack(byte[] input) {
    run(MSGPACK, "msgpack", input);
  }

  private static void run(SerializerProvider provider, String dialect, byte[] input) {
    RecordingSink tokens = new RecordingSink();
    MessageDecoder decoder = provider.newDecoder(dialect, LIMITS, tokens);
    try {
      decoder.feed(ByteBuffer.wrap(input));
    } catch (ProtocolException e) {
      // the codec targets cover the bytes; what was decoded before the fault still feeds the unjellier
    }
    List<Token> whole = Tokens.wholeValues(tokens.tokens);
    if (whole.size() < tokens.tokens.size()) {
      // a value cut short still reaches the unjellier token by token, as on a connection: what it builds ahead of
      // the missing elements is bounded too
      try {
        TokenPlayer.play(tokens.tokens.subList(whole.size(), tokens.tokens.size()),
            new Unjellier(Importer.NONE, CopyResolver.of(COPIES)));
      } catch (RuntimeException | Error e) {
        Outcomes.requireTyped(e, ProtocolException.class, InsecureJellyException.class);
      }
    }
    for (List<Token> value : Tokens.split(whole)) {
      unjellyAndBack(value);
      if (value.size() > 2 && value.get(1).kind().equals("symbol")) {
        // a message: each field is one Jelly value with its own reference scope
        for (List<Token> field : Tokens.split(value.subList(2, value.size() - 1))) {
          unjellyAndBack(field);
        }
      }
    }
  }

  private static void unjellyAndBack(List<Token> tokens) {
    Object value;
    try {
      value = unjelly(tokens);
    } catch (RuntimeException | Error e) {
      Outcomes.requireTyped(e, ProtocolException.class, InsecureJellyException.class);
      return;
    }
    RecordingSink again = new RecordingSink();
    try {
      new Jellier(Exporter.NONE, COPIES, LIMITS.maxDepth()).write(again, value);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("an unjellied value does not jelly again: " + e, e);
    }
    Object back;
    try {
      back = unjelly(again.tokens);
    } catch (RuntimeException | Error e) {
      throw new AssertionError("jellied again, a value does not unjelly: " + e + "\n" + again.tokens, e);
    }
    List<Map.Entry<Object, Object>> counterparts = Values.correspondence(value, back);
    check(counterparts != null, "unjellied, jellied and unjellied again, the values differ:\n"
        + tokens + "\n" + again.tokens);
    valueMethodsAgree(counterparts);
  }

  /**
   * What user code calls on a received value, its {@code equals}, {@code hashCode} and {@code toString}, ends
   * quickly on every pb-api value type in the graph (a sharing bomb is 2^64 nodes as a tree, a cycle has no end),
   * and agrees between the value and its equivalent copy. The JDK's own containers are left out: an
   * {@code ArrayList} of shared lists hashes as a tree, which no PBJ code can change. The first
   * {@link #CHECKED_VALUES} tuples and sets met from the top are checked: each check may take its full bound of
   * steps, so checking every one of hundreds made the target three times slower, while the outermost ones are
   * those whose methods walk the most (a bomb's or a cycle's top, and all that it holds).
   */
  private static void valueMethodsAgree(List<Map.Entry<Object, Object>> counterparts) {
    int checked = 0;
    for (Map.Entry<Object, Object> pair : counterparts) {
      Object a = pair.getKey();
      if (!(a instanceof Tuple || a instanceof FrozenSet)) {
        continue;
      }
      if (++checked > CHECKED_VALUES) {
        return;
      }
      Object b = pair.getValue();
      check(a.equals(b) && b.equals(a), "a value and its equivalent copy are not equal: " + a);
      check(a.hashCode() == b.hashCode(), "a value and its equivalent copy hash apart: " + a);
      String text = a.toString();
      check(text.length() <= MAX_TEXT, "toString is " + text.length() + " characters, over " + MAX_TEXT);
      check(text.equals(b.toString()), "a value and its equivalent copy print apart: " + text);
    }
  }

  private static Object unjelly(List<Token> tokens) {
    Unjellier unjellier = new Unjellier(Importer.NONE, CopyResolver.of(COPIES));
    TokenPlayer.play(tokens, unjellier);
    check(unjellier.hasResult(), "a whole token value left the unjellier without a result");
    return unjellier.takeResult();
  }
}
