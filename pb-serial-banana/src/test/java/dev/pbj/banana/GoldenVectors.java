package dev.pbj.banana;

import dev.pbj.testkit.Hex;
import dev.pbj.testkit.Token;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pbj.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code testdata/banana/*.json}, the vectors captured from Twisted (see the README there). */
final class GoldenVectors {
  /** One case of {@code vectors.json}. */
  record Vector(String name, String dialect, byte[] bytes, List<Token> tokens, boolean encodeOnly,
      boolean decodeOnly) {
    @Override
    public String toString() {
      return name + " [" + dialect + "]";
    }
  }

  /** One case of {@code invalid.json}. */
  record Invalid(String name, String dialect, byte[] bytes, String error, Limits limits) {
    @Override
    public String toString() {
      return name + " [" + dialect + "]";
    }
  }

  static final List<Vector> VECTORS = loadVectors();
  static final List<Invalid> INVALID = loadInvalid();

  private GoldenVectors() {}

  private static List<Vector> loadVectors() {
    List<Vector> out = new ArrayList<>();
    for (JsonNode c : read("vectors.json")) {
      List<Token> tokens = new ArrayList<>();
      for (JsonNode t : c.get("tokens")) {
        tokens.add(token(t));
      }
      out.add(new Vector(c.get("name").asText(), c.get("dialect").asText(), Hex.decode(c.get("hex").asText()),
          List.copyOf(tokens), c.path("encodeOnly").asBoolean(false), c.path("decodeOnly").asBoolean(false)));
    }
    return List.copyOf(out);
  }

  private static List<Invalid> loadInvalid() {
    List<Invalid> out = new ArrayList<>();
    for (JsonNode c : read("invalid.json")) {
      Limits.Builder limits = Limits.builder();
      JsonNode l = c.path("limits");
      if (l.has("maxPrefixLength")) {
        limits.maxPrefixLength(l.get("maxPrefixLength").asInt());
      }
      if (l.has("maxStringLength")) {
        limits.maxStringLength(l.get("maxStringLength").asInt());
      }
      if (l.has("maxListLength")) {
        limits.maxListLength(l.get("maxListLength").asInt());
      }
      if (l.has("maxDepth")) {
        limits.maxDepth(l.get("maxDepth").asInt());
      }
      out.add(new Invalid(c.get("name").asText(), c.get("dialect").asText(), Hex.decode(c.get("hex").asText()),
          c.get("error").asText(), limits.build()));
    }
    return List.copyOf(out);
  }

  private static Token token(JsonNode t) {
    String kind = t.get(0).asText();
    switch (kind) {
      case "list":
        return Token.list(t.get(1).asInt());
      case "end":
        return Token.end();
      case "int":
        return Token.integer(new BigInteger(t.get(1).asText()));
      case "float":
        return Token.floating(new Token("float", t.get(1).asText()).doubleValue());
      case "bytes":
      case "symbol":
      case "text":
        return new Token(kind, t.get(1).asText());
      default:
        throw new IllegalArgumentException("unknown token " + t);
    }
  }

  private static JsonNode read(String file) {
    Path path = directory().resolve(file);
    try {
      return new ObjectMapper().readTree(Files.readAllBytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException(path.toString(), e);
    }
  }

  /** {@code testdata/banana} at the repository root, found upward from the working directory. */
  private static Path directory() {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("testdata").resolve("banana");
      if (Files.isRegularFile(candidate.resolve("vectors.json"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("testdata/banana/vectors.json not found above " + Paths.get("").toAbsolutePath());
  }
}
