package dev.pbj.cli;

import dev.pbj.Referenceable;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The root object of {@code pbj serve --root CLASS --class-path JAR}: a user's public {@link Referenceable} class
 * with a public no-argument constructor, loaded from the jars (or class directories) given, made once and served to
 * every connection in place of the demo.
 */
final class UserRoot {
  private UserRoot() {}

  /** Loads and makes the root; the message of the exception says what is wrong, naming the class and the path. */
  static Referenceable load(String className, List<Path> classPath) {
    URL[] urls = new URL[classPath.size()];
    for (int i = 0; i < urls.length; i++) {
      Path entry = classPath.get(i);
      if (!Files.exists(entry)) {
        throw new IllegalArgumentException("--class-path " + entry + " does not exist");
      }
      try {
        urls[i] = entry.toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("--class-path " + entry + ": " + e.getMessage(), e);
      }
    }
    ClassLoader loader = new URLClassLoader("pbj-user-root", urls, UserRoot.class.getClassLoader());
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("--root " + className + ": no such class on " + classPath, e);
    } catch (LinkageError e) {
      throw new IllegalArgumentException("--root " + className + " cannot be loaded: " + e, e);
    }
    if (!Referenceable.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException("--root " + className + " does not implement dev.pbj.Referenceable");
    }
    if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
      throw new IllegalArgumentException("--root " + className + " must be a public, concrete class");
    }
    Constructor<?> constructor;
    try {
      constructor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("--root " + className + " has no public no-argument constructor", e);
    }
    try {
      return (Referenceable) constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("--root " + className + "'s constructor failed: " + e.getCause(),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("--root " + className + " cannot be made: " + e, e);
    }
  }
}
