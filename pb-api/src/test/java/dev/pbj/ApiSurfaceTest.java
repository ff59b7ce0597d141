package dev.pbj;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * pb-api is PBJ's promise: its public surface is checked in ({@code src/test/resources/api.txt}) and may change
 * only in a reviewed diff. After an intended change, run the test with {@code -Dpbj.api.update=true} to rewrite
 * the file, and commit it with the change.
 */
class ApiSurfaceTest {
  private static final Path LISTING = Path.of("src/test/resources/api.txt");

  @Test
  void publicSurfaceIsTheCheckedInOne() throws Exception {
    String actual = String.join("\n", surface()) + "\n";
    if (Boolean.getBoolean("pbj.api.update")) {
      Files.writeString(LISTING, actual);
    }
    String expected = Files.exists(LISTING) ? Files.readString(LISTING) : "";
    assertThat(actual).as("pb-api's public surface changed; if intended, rerun with -Dpbj.api.update=true and "
        + "commit %s", LISTING).isEqualTo(expected);
  }

  private static List<String> surface() throws IOException, ClassNotFoundException {
    Path classes = Path.of("target/classes");
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names = files.map(p -> classes.relativize(p).toString()).filter(n -> n.endsWith(".class"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).sorted()
          .collect(Collectors.toList());
    }
    List<String> lines = new ArrayList<>();
    for (String name : names) {
      Class<?> type = Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
      if (!isPublic(type)) {
        continue;
      }
      lines.add(Modifier.toString(type.getModifiers() & ~Modifier.INTERFACE) + " " + kind(type) + " "
          + type.getName());
      List<String> members = new ArrayList<>();
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (Modifier.isPublic(c.getModifiers()) || Modifier.isProtected(c.getModifiers())) {
          members.add("  " + c.toGenericString());
        }
      }
      for (Method m : type.getDeclaredMethods()) {
        if ((Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) && !m.isSynthetic()) {
          members.add("  " + m.toGenericString());
        }
      }
      for (Field f : type.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(f.getModifiers())) {
          members.add("  " + f.toGenericString());
        }
      }
      members.sort(null);
      lines.addAll(members);
    }
    return lines;
  }

  private static boolean isPublic(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
      if (!Modifier.isPublic(t.getModifiers())) {
        return false;
      }
    }
    return !type.isAnonymousClass() && !type.isSynthetic();
  }

  private static String kind(Class<?> type) {
    if (type.isAnnotation()) {
      return "@interface";
    }
    if (type.isInterface()) {
      return "interface";
    }
    if (type.isEnum()) {
      return "enum";
    }
    if (type.isRecord()) {
      return "record";
    }
    return "class";
  }

  @Test
  void pbApiHasNoDependencies() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    String dependencies = pom.contains("<dependencies>")
        ? pom.substring(pom.indexOf("<dependencies>"), pom.indexOf("</dependencies>")) : "";
    assertThat(Arrays.stream(dependencies.split("<dependency>")).skip(1)).as("pb-api depends on nothing").isEmpty();
  }
}
