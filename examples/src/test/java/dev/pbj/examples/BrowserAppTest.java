package dev.pbj.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pbj.examples.browser.BrowserApp;
import dev.pbj.testkit.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code examples/browser-app}: the Java app ({@link BrowserApp}) on an ephemeral port, its page opened in headless
 * Chromium by {@code src/test/node/check-page.mjs} (pb-js's browser harness), which reports what the page shows;
 * the screenshot is kept at {@code target/screenshots/browser-app.png}. Needs Node 20+ with npm (pb-js's dev
 * dependencies are installed as pb-js's build does) and Chromium: without them the test is skipped on a developer
 * machine and fails in CI ({@code CI=true}).
 */
// Past JUnit's 60 s default: the first run may install pb-js's dev dependencies (npm ci, bounded at 10 min)
@Timeout(value = 13, unit = TimeUnit.MINUTES)
class BrowserAppTest {
  private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

  @Test
  void thePageShowsTheServersAnswers() throws Exception {
    Path root = Examples.checkoutRoot();
    requireNode(root.resolve("pb-js"));
    Path screenshot = Path.of("target", "screenshots", "browser-app.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    try (BrowserApp app = BrowserApp.start("127.0.0.1:0");
        ChildProcess browser = new ChildProcess(List.of("node", "src/test/node/check-page.mjs", root.toString(),
            app.page().toString(), screenshot.toString()), root.resolve("examples"))) {
      int status = browser.awaitExit(Duration.ofSeconds(90));
      assertThat(status).as("check-page.mjs exit status; stderr:\n%s", browser.stderr()).isZero();
      String report = browser.stdout().isEmpty() ? "" : browser.stdout().get(browser.stdout().size() - 1);
      if (report.startsWith("SKIP ")) {
        Assumptions.abort(report.substring("SKIP ".length()));
      }
      JsonNode page = new ObjectMapper().readTree(report);
      assertThat(page.get("errors")).as("the page's errors in %s", report).isEmpty();
      Map<String, String> expected = Map.of(
          "status", "connected · banana · every call answered",
          "greet", "hello, browser, from Java " + Runtime.version().feature(),
          "add", "42",
          "counter", "the counter is at 3",
          "callback", "the page's favourite colour is teal",
          "error", "refused: cannot divide 1 by zero (twisted.spread.pb.Error)");
      expected.forEach((id, text) -> assertThat(page.path("shown").path(id).asText(null)).as("#%s in %s", id, report)
          .isEqualTo(text));
      assertThat(screenshot).isNotEmptyFile();
    }
  }

  /**
   * Node 20+ and pb-js's dev dependencies (playwright-core), installed with {@code npm ci} when node_modules is
   * missing or older than the lockfile: the rule of pb-js's {@code build/NodeTests.java}. Skips without Node
   * (fails in CI).
   */
  private static void requireNode(Path pbJs) throws IOException, InterruptedException {
    String missing = null;
    try (ChildProcess node = new ChildProcess(List.of("node", "--version"), pbJs)) {
      node.awaitExit(Duration.ofSeconds(30));
      String version = String.join("", node.stdout());
      Matcher major = Pattern.compile("^v(\\d+)\\.").matcher(version);
      if (!major.find() || Integer.parseInt(major.group(1)) < 20) {
        missing = "node " + version + " is older than 20";
      }
    } catch (IOException e) {
      missing = "node is not on the PATH";
    }
    if (missing != null) {
      String message = missing + "; the browser app's test needs Node.js 20+ with npm, e.g. apt-get install nodejs npm";
      if (CI) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    Path lock = pbJs.resolve("package-lock.json");
    Path installed = pbJs.resolve(Path.of("node_modules", ".package-lock.json"));
    if (Files.exists(installed) && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
      return;
    }
    try (ChildProcess npm = new ChildProcess(List.of("npm", "ci", "--no-audit", "--no-fund"), pbJs)) {
      int status = npm.awaitExit(Duration.ofMinutes(10));
      if (status != 0) {
        fail("npm ci in " + pbJs + " failed (" + status + "):\n" + String.join("\n", npm.stdout()) + npm.stderr());
      }
    }
  }
}
