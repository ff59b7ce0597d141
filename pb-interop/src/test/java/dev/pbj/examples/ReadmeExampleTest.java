package dev.pbj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Java example compiles (it is {@link ReadmeExample}), runs, and is the README's text. */
class ReadmeExampleTest {

  @Test
  void exampleRunsAgainstItsOwnServer() throws Exception {
    assertThat(ReadmeExample.run()).isEqualTo(List.of("hello, PB", "nope", 2L));
  }

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/pbj/examples/ReadmeExample.java"));
    String example = source.substring(source.indexOf("// README:begin") + "// README:begin".length(),
        source.indexOf("// README:end"));
    String readme = Files.readString(Path.of("..", "README.md"));
    for (String line : example.strip().split("\n")) {
      assertThat(readme).as("README.md contains the example line").contains(line.strip());
    }
  }
}
