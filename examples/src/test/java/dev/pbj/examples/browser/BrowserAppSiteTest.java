package dev.pbj.examples.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files {@link BrowserApp} serves, read from the build's folder and from a jar, as a packaged app has them. */
class BrowserAppSiteTest {
  @Test
  void theBuildCopiedThePageAndPbjClientBesideIt() throws Exception {
    Map<String, byte[]> site = BrowserApp.site(BrowserApp.class.getClassLoader());
    assertThat(site).containsKeys("/index.html", "/app.js", "/app.css", "/pbj-client/index.js",
        "/pbj-client/connection.js");
    assertThat(new String(site.get("/app.js"), StandardCharsets.UTF_8)).contains("./pbj-client/index.js");
  }

  @Test
  void aJarServesTheSameFilesByTheSamePaths(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("app.jar");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      for (String name : new String[] {"index.html", "pbj-client/index.js"}) {
        out.putNextEntry(new JarEntry(BrowserApp.WEB + name));
        out.write(name.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("dev/pbj/examples/browser/Elsewhere.txt")); // not under web/: not served
      out.closeEntry();
    }
    // no parent: only the jar's files, not the build's folder
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      Map<String, byte[]> site = BrowserApp.site(loader);
      assertThat(site).containsOnlyKeys("/index.html", "/pbj-client/index.js");
      assertThat(new String(site.get("/pbj-client/index.js"), StandardCharsets.UTF_8))
          .isEqualTo("pbj-client/index.js");
    }
  }

  @Test
  void scriptsAreServedAsJavaScript() {
    assertThat(BrowserApp.contentType("/pbj-client/index.js")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(BrowserApp.contentType("/index.html")).isEqualTo("text/html; charset=utf-8");
  }
}
