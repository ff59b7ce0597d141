package dev.pbj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's TLS example compiles (it is {@link TlsExample}), runs, and is the README's. */
class TlsExampleTest {
  @TempDir
  Path dir;

  @Test
  void mutualTlsCallsWorkAndTheServerKnowsTheClient() throws Exception {
    String[] seen = TlsExample.run(TlsExample.makeFiles(dir));
    assertThat(seen[0]).isEqualTo("over TLS");
    assertThat(seen[1]).contains("CN=alice");
  }

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/pbj/examples/TlsExample.java"));
    String readme = Files.readString(Path.of("..", "README.md"));
    String begin = "// README:tls-begin";
    String example = source.substring(source.indexOf(begin) + begin.length(), source.indexOf("// README:tls-end"));
    assertThat(example).isNotBlank();
    for (String line : example.strip().split("\n")) {
      assertThat(readme).as("README.md contains the example line").contains(line.strip());
    }
  }
}
