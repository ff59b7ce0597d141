package dev.pbj.msgpack;

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

/** Reads {@code testdata/msgpack/*.json}, generated with msgpack-python (see the README there). */
final class GoldenVectors {
  /** One case of {@code vectors.json}. */
  record Vector(String name, byte[] bytes, List<Token> tokens, boolean decodeOnly) {
    /** The frame's body length: what {@link Limits#maxMessageLength()} is compared with. */
    int bodyLength() {
      return bytes.length - WireFormat.HEADER_LENGTH;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** One case of {@code invalid.json}. */
  record Invalid(String name, byte[] bytes, String error, Limits limits) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Vector> VECTORS = loadVectors();
  static final List<Invalid> INVALID = loadInvalid();

  private GoldenVectors() {}

  static Vector named(String name) {
    return VECTORS.stream().filter(v -> v.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no vector named " + name));
  }

  private static List<Vector> loadVectors() {
    List<Vector> out = new ArrayList<>();
    for (JsonNode c : read("vectors.json")) {
      if (!c.get("dialect").asText().equals(WireFormat.DIALECT)) {
        throw new IllegalStateException("unexpected dialect in " + c);
      }
      List<Token> tokens = new ArrayList<>();
      for (JsonNode t : c.get("tokens")) {
        tokens.add(token(t));
      }
      out.add(new Vector(c.get("name").asText(), Hex.decode(c.get("hex").asText()), List.copyOf(tokens),
          c.path("decodeOnly").asBoolean(false)));
    }
    return List.copyOf(out);
  }

  private static List<Invalid> loadInvalid() {
    List<Invalid> out = new ArrayList<>();
    for (JsonNode c : read("invalid.json")) {
      Limits.Builder limits = Limits.builder();
      JsonNode l = c.path("limits");
      l.fieldNames().forEachRemaining(name -> {
        int value = l.get(name).asInt();
        switch (name) {
          case "maxStringLength":
            limits.maxStringLength(value);
            break;
          case "maxListLength":
            limits.maxListLength(value);
            break;
          case "maxDepth":
            limits.maxDepth(value);
            break;
          case "maxMessageLength":
            limits.maxMessageLength(value);
            break;
          default:
            throw new IllegalArgumentException("unknown limit " + name + " in " + c);
        }
      });
      out.add(new Invalid(c.get("name").asText(), Hex.decode(c.get("hex").asText()), c.get("error").asText(),
          limits.build()));
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

  /** {@code testdata/msgpack} at the repository root, found upward from the working directory. */
  private static Path directory() {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("testdata").resolve("msgpack");
      if (Files.isRegularFile(candidate.resolve("vectors.json"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("testdata/msgpack/vectors.json not found above "
        + Paths.get("").toAbsolutePath());
  }
}
