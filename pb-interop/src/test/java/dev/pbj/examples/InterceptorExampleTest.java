package dev.pbj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's interceptor example compiles (it is {@link InterceptorExample}), runs, and is the README's. */
class InterceptorExampleTest {

  @Test
  void tokensPickWhoConnectsTheInterceptorWhatTheyMayCallAndTheMetersCountIt() throws Exception {
    InterceptorExample.Seen seen = InterceptorExample.run();
    assertThat(seen.answers()).isEqualTo(List.of("contents of notes.txt", "deleted notes.txt",
        "contents of notes.txt", "dev.pbj.CallRejected: only alice may delete"));
    assertThat(seen.refusal()).contains("WebSocketUpgradeException").contains("401")
        .contains("a valid bearer token is required");
    assertThat(seen.readsMetered()).isEqualTo(2);
    assertThat(seen.rejectedMetered()).isEqualTo(1);
  }

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/pbj/examples/InterceptorExample.java"));
    String readme = Files.readString(Path.of("..", "README.md"));
    String begin = "// README:interceptors-begin";
    String example = source.substring(source.indexOf(begin) + begin.length(),
        source.indexOf("// README:interceptors-end"));
    assertThat(example).isNotBlank();
    for (String line : example.strip().split("\n")) {
      assertThat(readme).as("README.md contains the example line").contains(line.strip());
    }
  }
}
