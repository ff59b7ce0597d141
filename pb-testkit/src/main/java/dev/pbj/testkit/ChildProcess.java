package dev.pbj.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A program a test runs (a Twisted script, Node, npm): its stdout lines collected as they come, its stderr kept for
 * failure messages, both read all the time (so a chatty child never blocks on a full pipe), every wait bounded and
 * failing with what the child printed. Closing it closes its stdin (the interop scripts and the examples' servers
 * stop then) and kills it if it has not ended within 10 s. Its methods may be called from any thread.
 */
public final class ChildProcess implements AutoCloseable {
  /** Marks the end of stdout in {@link #lines}; compared by identity, so no line printed can be taken for it. */
  private static final String END = new String("end of output");

  private final Process process;
  private final String name;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> stdout = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();
  private final Thread[] readers;

  /** Starts {@code command} in {@code workingDirectory}. */
  public ChildProcess(List<String> command, Path workingDirectory) throws IOException {
    // named for its script when it has one (python -u x.py, node x.mjs), for failure messages
    name = Path.of(command.stream().filter(arg -> arg.endsWith(".py") || arg.endsWith(".mjs")).findFirst()
        .orElse(command.get(0))).getFileName().toString();
    process = new ProcessBuilder(command).directory(workingDirectory.toFile()).start();
    readers = new Thread[] {
        reader(process.getInputStream(), line -> {
          synchronized (stdout) {
            stdout.add(line);
          }
          lines.add(line);
        }, () -> lines.add(END)),
        reader(process.getErrorStream(), line -> {
          synchronized (stderr) {
            stderr.append(line).append('\n');
          }
        }, () -> {})};
  }

  private Thread reader(InputStream in, java.util.function.Consumer<String> sink, Runnable atEnd) {
    // one daemon thread per stream, so that a child writing a lot to one never blocks on the other
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          sink.accept(line);
        }
      } catch (IOException ignored) {
        // the process ended
      } finally {
        atEnd.run();
      }
    }, "child-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The next stdout line starting with {@code prefix} (earlier ones are skipped); fails on end or timeout. */
  public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError(name + " printed no line starting '" + prefix + "' within " + timeout
            + "; stdout:\n" + stdout() + "\nstderr:\n" + stderr());
      }
      if (line == END) {
        lines.add(END);
        throw new AssertionError(name + " ended before printing '" + prefix + "'; stdout:\n" + stdout()
            + "\nstderr:\n" + stderr());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Waits for the process to end by itself and its output to be read; fails after {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not end within " + timeout + "; stdout:\n" + stdout() + "\nstderr:\n"
          + stderr());
    }
    for (Thread reader : readers) {
      reader.join(timeout.toMillis());
    }
    return process.exitValue();
  }

  /** Ends the child's standard input: the examples' servers stop then, as at a Ctrl-D. */
  public void closeStdin() throws IOException {
    process.getOutputStream().close();
  }

  /** Every stdout line so far. */
  public List<String> stdout() {
    synchronized (stdout) {
      return List.copyOf(stdout);
    }
  }

  /** Everything on stderr so far. */
  public String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** Kills the process at once, as a crash would (no goodbye on any socket); fails if it has not ended in time. */
  public void kill(Duration timeout) throws InterruptedException {
    if (!process.destroyForcibly().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not end within " + timeout + " of being killed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
