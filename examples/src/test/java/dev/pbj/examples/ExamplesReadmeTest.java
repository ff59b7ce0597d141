package dev.pbj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code examples/README.md} tells the truth: the programs it runs exist, and the output it shows is checked. */
class ExamplesReadmeTest {
  private static String readme() throws Exception {
    return Files.readString(Examples.checkoutRoot().resolve(Path.of("examples", "README.md")));
  }

  @Test
  void everyMainClassAndScriptItRunsExists() throws Exception {
    String readme = readme();
    Matcher mainClass = Pattern.compile("-Dexec\\.mainClass=(\\S+)").matcher(readme);
    int mains = 0;
    while (mainClass.find()) {
      Class.forName(mainClass.group(1)).getMethod("main", String[].class);
      mains++;
    }
    assertThat(mains).isEqualTo(3);
    Matcher script = Pattern.compile("python3 (examples/\\S+\\.py)").matcher(readme);
    int scripts = 0;
    while (script.find()) {
      assertThat(Examples.checkoutRoot().resolve(script.group(1))).isRegularFile();
      scripts++;
    }
    assertThat(scripts).isEqualTo(2);
  }

  @Test
  void theOutputItShowsIsWhatTheTestsCheck() throws Exception {
    String readme = readme();
    assertThat(readme).contains(String.join("\n", JavaServerTwistedClientTest.OUTPUT))
        .contains(String.join("\n", TwistedServerJavaClientTest.OUTPUT));
  }
}
