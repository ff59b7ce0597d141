package dev.pbj.core.internal.calls;

import dev.pbj.CacheUpdate;
import dev.pbj.Kwargs;
import dev.pbj.core.CopyRegistry;
import dev.pbj.core.internal.jelly.Exporter;
import dev.pbj.core.internal.jelly.Jellier;
import dev.pbj.core.internal.jelly.PlainValues;
import dev.pbj.spi.MessageEncoder;
import java.util.Map;

/**
 * A {@link CacheUpdate}'s arguments encoded once per serializer for all the connections it goes to: the tokens of
 * its positional arguments' {@code (tuple …)} and its keywords' {@code (dictionary …)}, exactly as each connection's
 * jellier would write them, as one run of bytes that each connection's outbox copies into its {@code cachemessage}
 * (whose request id and cache id stay its own). Only plain arguments ({@link PlainValues}) are shared, and only
 * between encoders whose {@link MessageEncoder#runKey()} says their bytes agree; anything else is jellied per
 * connection, as before.
 */
public final class SharedArguments {
  /** What the update holds for a key whose arguments are not shared: the per-connection path does the work. */
  private static final Object NOT_SHARED = new Object();
  /** The update's memo of whether its arguments are plain. */
  private static final Object PLAIN = new Object();

  private SharedArguments() {}

  /** The key a run is kept under: the encoder's, and the jellier's own limit (nesting depth). */
  private record RunKey(Object encoding, int maxDepth) {}

  /**
   * The encoded arguments of {@code update} for connections encoding like {@code encoder}, made on the first
   * call for that encoding (on the calling thread: plain values run no application code); null if they are not
   * shared, for the caller to jelly them itself.
   */
  public static byte[] runFor(CacheUpdate update, MessageEncoder encoder, CopyRegistry registry, int maxDepth) {
    Object encoding = encoder.runKey();
    if (encoding == null) {
      return null;
    }
    // asked first, apart: a memo's derive must not ask the memo again. Kept whatever the depth limit: the walk's
    // limit only ends it, and a run the jellier then cannot write falls back to each connection writing its own
    if (!(Boolean) update.derived(PLAIN, key -> PlainValues.arePlain(update.arguments(), maxDepth))) {
      return null;
    }
    Object run = update.derived(new RunKey(encoding, maxDepth), key -> encode(update, encoder, registry, maxDepth));
    return run == NOT_SHARED ? null : (byte[]) run;
  }

  private static Object encode(CacheUpdate update, MessageEncoder encoder, CopyRegistry registry, int maxDepth) {
    Object[] args = update.arguments();
    int count = args.length > 0 && args[args.length - 1] instanceof Kwargs ? args.length - 1 : args.length;
    Map<String, Object> keywords = count < args.length ? ((Kwargs) args[count]).asMap() : Map.of();
    // Plain values ask nothing of a connection: no exporter, no perspective; the registry is not consulted
    Jellier jellier = new Jellier(Exporter.NONE, registry, maxDepth);
    try {
      return encoder.encodeRun(out -> {
        jellier.writeTuple(out, args, count, null);
        jellier.writeKeywords(out, keywords);
      });
    } catch (RuntimeException e) {
      // a value too large for the limits, or one the jellier cannot write: each connection writing it itself
      // meets the same failure and fails that observer's call with it, as it would without sharing
      return NOT_SHARED;
    }
  }
}
