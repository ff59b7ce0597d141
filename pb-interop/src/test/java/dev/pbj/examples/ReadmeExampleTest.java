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
  void copyAndCacheExampleRuns() throws Exception {
    assertThat(ReadmeExample.runFlavors()).isEqualTo(List.of(new ReadmeExample.Point(0, 0), 1L));
  }

  @Test
  void readmeShowsExactlyTheseExamples() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/pbj/examples/ReadmeExample.java"));
    String readme = Files.readString(Path.of("..", "README.md"));
    for (String region : List.of("README", "README:flavors")) {
      String begin = "// " + region + (region.equals("README") ? ":begin" : "-begin");
      String end = "// " + region + (region.equals("README") ? ":end" : "-end");
      String example = source.substring(source.indexOf(begin) + begin.length(), source.indexOf(end));
      assertThat(example).isNotBlank();
      for (String line : example.strip().split("\n")) {
        assertThat(readme).as("README.md contains the example line").contains(line.strip());
      }
    }
  }
}
