package dev.pbj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbj.ConnectionState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's reconnecting-client example compiles (it is {@link ReconnectExample}), runs, and is the README's. */
class ReconnectExampleTest {

  @Test
  void exampleReconnectsAndLogsInAgain() throws Exception {
    ReconnectExample.Seen seen = ReconnectExample.run();
    assertThat(seen.answers()).isEqualTo(List.of("alice", "alice"));
    assertThat(seen.states()).contains(ConnectionState.DISCONNECTED);
    assertThat(seen.states().get(seen.states().size() - 1)).isEqualTo(ConnectionState.CLOSED);
    assertThat(seen.states().subList(seen.states().lastIndexOf(ConnectionState.DISCONNECTED),
        seen.states().size())).contains(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
  }

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/pbj/examples/ReconnectExample.java"));
    String readme = Files.readString(Path.of("..", "README.md"));
    String begin = "// README:reconnect-begin";
    String end = "// README:reconnect-end";
    String example = source.substring(source.indexOf(begin) + begin.length(), source.indexOf(end));
    assertThat(example).isNotBlank();
    for (String line : example.strip().split("\n")) {
      assertThat(readme).as("README.md contains the example line").contains(line.strip());
    }
  }
}
