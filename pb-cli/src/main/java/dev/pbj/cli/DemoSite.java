package dev.pbj.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What {@code pbj demo} serves over HTTP beside its WebSocket endpoint: every file under {@value #ROOT} on the
 * class path, at {@code /} plus its path below that folder ({@code index.html} also at {@code /}), and
 * {@code /pbj-client.js}, the browser client as one module: its single-file bundle ({@value #BUNDLE}, minified,
 * with its source map beside it) when the build made one, else a module that re-exports the client's own files
 * ({@code pbj-client/index.js}).
 *
 * <p>The demo page ({@code index.html}, {@code demo.js}, {@code demo.css}) is pb-cli's own resource; the browser
 * client is pb-js's {@code src/}, which the build copies to {@code pbj-client/} (see pb-cli's pom). The files are
 * listed at run time from the class path entry that holds them: a directory ({@code target/classes}) or a jar
 * ({@code pbj.jar}).
 */
final class DemoSite {
  /** The class path folder of the site. */
  static final String ROOT = "dev/pbj/cli/demo/web/";
  /** The module the page imports without a bundle: the whole client, from its own files. */
  static final String CLIENT_MODULE = "export * from './pbj-client/index.js';\n";
  /** The bundle pb-cli's build makes with pb-js's {@code build/bundle.js} when Node is there. */
  static final String BUNDLE = "pbj-client.min.js";

  /** One file to serve. */
  record Resource(String contentType, byte[] body) {}

  private DemoSite() {}

  /**
   * The site, request path → resource, in path order.
   *
   * @throws IOException when the page or the client is missing from the class path (a build that skipped
   *     copying pb-js), or a file cannot be read
   */
  static Map<String, Resource> load(ClassLoader loader) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    Set<String> listed = new LinkedHashSet<>();
    for (String marker : new String[] {"index.html", "pbj-client/index.js"}) {
      URL url = loader.getResource(ROOT + marker);
      if (url == null) {
        throw new IOException("the demo site is incomplete: " + ROOT + marker + " is not on the class path"
            + (marker.startsWith("pbj-client/") ? " (pb-cli's build copies it from pb-js/src)" : ""));
      }
      String container = url.toString().substring(0, url.toString().length() - marker.length());
      if (listed.add(container)) {
        list(url, marker, files);
      }
    }
    Map<String, Resource> site = new TreeMap<>();
    files.forEach((relative, body) -> site.put("/" + relative, new Resource(contentType(relative), body)));
    site.put("/", site.get("/index.html"));
    Resource bundle = site.get("/" + BUNDLE);
    // the bundle's source map comment names pbj-client.min.js.map, which resolves beside /pbj-client.js as well
    site.putIfAbsent("/pbj-client.js", bundle != null ? bundle
        : new Resource(contentType("pbj-client.js"), CLIENT_MODULE.getBytes(StandardCharsets.UTF_8)));
    return site;
  }

  /**
   * Adds every file under {@link #ROOT} of the class path entry where {@code marker} (a file of the site, at
   * {@code name} below the root) was found, by relative path; a file found before wins.
   */
  private static void list(URL marker, String name, Map<String, byte[]> files) throws IOException {
    switch (marker.getProtocol()) {
      case "file":
        listDirectory(marker, name, files);
        break;
      case "jar":
        listJar(marker, files);
        break;
      default:
        throw new IOException("cannot list the demo site at " + marker + ": not a directory or a jar");
    }
  }

  private static void listDirectory(URL marker, String name, Map<String, byte[]> files) throws IOException {
    Path site;
    try {
      site = Path.of(marker.toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("not a file: " + marker, e);
    }
    for (String ignored : name.split("/")) {
      site = site.getParent();
    }
    Path folder = site;
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.filter(Files::isRegularFile).forEach(path -> {
        String relative = folder.relativize(path).toString().replace('\\', '/');
        try {
          files.putIfAbsent(relative, Files.readAllBytes(path));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void listJar(URL marker, Map<String, byte[]> files) throws IOException {
    JarURLConnection connection = (JarURLConnection) marker.openConnection();
    connection.setUseCaches(false); // a JarFile of our own, closed below; the class loader's stays open
    try (JarFile jar = connection.getJarFile()) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName();
        if (entry.isDirectory() || !name.startsWith(ROOT)) {
          continue;
        }
        try (InputStream in = jar.getInputStream(entry)) {
          files.putIfAbsent(name.substring(ROOT.length()), in.readAllBytes());
        }
      }
    }
  }

  /** The Content-Type for a file name; module scripts must be served as JavaScript. */
  static String contentType(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    String extension = lower.substring(lower.lastIndexOf('.') + 1);
    switch (extension) {
      case "html":
        return "text/html; charset=utf-8";
      case "js":
      case "mjs":
        return "text/javascript; charset=utf-8";
      case "css":
        return "text/css; charset=utf-8";
      case "svg":
        return "image/svg+xml";
      case "png":
        return "image/png";
      case "json":
      case "map":
        return "application/json";
      case "ts":
      case "md":
      case "txt":
        return "text/plain; charset=utf-8";
      default:
        return "application/octet-stream";
    }
  }
}
