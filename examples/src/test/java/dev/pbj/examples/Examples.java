package dev.pbj.examples;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the examples' files are, for tests run by Surefire from {@code examples/} (or from the checkout root). */
final class Examples {
  private Examples() {}

  /** The checkout: the nearest folder at or above the working directory that holds {@code examples/pom.xml}. */
  static Path checkoutRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(Path.of("examples", "pom.xml")))) {
        return dir;
      }
    }
    throw new IllegalStateException("no examples/pom.xml at or above " + start);
  }

  /** One example's folder, e.g. {@code java-server-twisted-client}. */
  static Path example(String name) {
    return checkoutRoot().resolve(Path.of("examples", name));
  }
}
