package dev.pbj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.DeadlineExceededException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's deadline example compiles (it is {@link DeadlineExample}), runs, and is the README's. */
class DeadlineExampleTest {

  @Test
  void theDeadlineFailsTheCallAndReachesTheServer() throws Exception {
    DeadlineExample.Seen seen = DeadlineExample.run();
    assertThat(seen.failure()).isInstanceOf(DeadlineExceededException.class);
    assertThat(seen.serverStopped()).as("the server's method saw the deadline pass").isTrue();
    assertThat(seen.terminated()).isTrue();
  }

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/pbj/examples/DeadlineExample.java"));
    String readme = Files.readString(Path.of("..", "README.md"));
    for (String region : List.of("deadlines-server", "deadlines", "keepalive", "shutdown")) {
      String begin = "// README:" + region + "-begin";
      String example = source.substring(source.indexOf(begin) + begin.length(),
          source.indexOf("// README:" + region + "-end"));
      assertThat(example).as(region).isNotBlank();
      for (String line : example.strip().split("\n")) {
        assertThat(readme).as("README.md contains the %s example line", region).contains(line.strip());
      }
    }
  }
}
