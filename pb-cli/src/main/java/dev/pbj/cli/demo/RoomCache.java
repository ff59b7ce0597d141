package dev.pbj.cli.demo;

import dev.pbj.Bytes;
import dev.pbj.Remote;
import dev.pbj.RemoteCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A client's replica of the server's {@link Room} ({@value Room#TYPE}; registered by {@link DemoTypes}): the state
 * as it arrived, kept up to date by the room's {@code said}, {@code joined} and {@code left}. Listeners
 * ({@link #addListener}) hear of each change after it is applied, in the order the room made them. Close it to stop
 * observing. Thread-safe.
 */
public final class RoomCache extends RemoteCache {
  /** One change the room pushed: {@code kind} is {@code said}, {@code joined} or {@code left}. */
  public record Change(String kind, String text) {
    public static Change said(String text) {
      return new Change("said", text);
    }

    public static Change joined(String name) {
      return new Change("joined", name);
    }

    public static Change left(String name) {
      return new Change("left", name);
    }
  }

  private String topic = ""; // guarded by this
  private final List<String> members = new ArrayList<>(); // guarded by this
  private final List<String> messages = new ArrayList<>(); // guarded by this
  private final List<Consumer<? super Change>> listeners = new CopyOnWriteArrayList<>();

  /** For the copy registry. */
  public RoomCache() {}

  @Override
  public synchronized void setCopyableState(Object state) {
    if (!(state instanceof Map)) {
      throw new IllegalArgumentException(Room.TYPE + " state must be a dictionary: got "
          + (state == null ? "None" : state.getClass().getSimpleName()));
    }
    Map<?, ?> map = (Map<?, ?>) state;
    topic = text(field(map, "topic"));
    members.clear();
    texts(field(map, "members"), members);
    messages.clear();
    texts(field(map, "messages"), messages);
  }

  /** The room's {@code said(text)}: a message was appended. */
  @Remote
  public void said(String text) {
    synchronized (this) {
      messages.add(text);
    }
    fire(Change.said(text));
  }

  /** The room's {@code joined(name)}: a user logged in. */
  @Remote
  public void joined(String name) {
    synchronized (this) {
      members.add(name);
    }
    fire(Change.joined(name));
  }

  /** The room's {@code left(name)}: a user's session ended. */
  @Remote
  public void left(String name) {
    synchronized (this) {
      members.remove(name);
    }
    fire(Change.left(name));
  }

  public synchronized String topic() {
    return topic;
  }

  public synchronized List<String> members() {
    return List.copyOf(members);
  }

  public synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  /** The replica's state now, shaped as the room sends it: {@code topic}, {@code members}, {@code messages}. */
  public synchronized Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("topic", topic);
    state.put("members", new ArrayList<>(members));
    state.put("messages", new ArrayList<>(messages));
    return state;
  }

  /**
   * Calls {@code listener} with every later change, after it is applied, on the thread that applies it (one at a
   * time, in order). A listener that throws does not stop the others.
   */
  public void addListener(Consumer<? super Change> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(Consumer<? super Change> listener) {
    listeners.remove(listener);
  }

  private void fire(Change change) {
    for (Consumer<? super Change> listener : listeners) {
      try {
        listener.accept(change);
      } catch (RuntimeException e) {
        // one listener's failure is not the room's, nor the other listeners'
      }
    }
  }

  private static Object field(Map<?, ?> map, String name) {
    return map.containsKey(name) ? map.get(name) : map.get(Bytes.ascii(name));
  }

  private static void texts(Object list, List<String> into) {
    if (list instanceof List) {
      for (Object element : (List<?>) list) {
        into.add(text(element));
      }
    }
  }

  private static String text(Object value) {
    if (value instanceof Bytes) {
      return ((Bytes) value).utf8();
    }
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value == null ? "" : value.toString();
    }
    // never a container's toString: a peer's shared parts would be walked as a tree (pb-fuzz)
    throw new IllegalArgumentException(Room.TYPE + " texts are strings: got a " + value.getClass().getSimpleName());
  }

  @Override
  public String toString() {
    return "RoomCache(" + topic() + ")";
  }
}
