package dev.pbj.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A stream a command writes to, whose complete lines a test takes as they arrive. Thread-safe. */
final class LineCollector extends OutputStream {
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> all = new ArrayList<>();
  final PrintStream stream = new PrintStream(this, true, StandardCharsets.UTF_8);

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      String line = partial.toString(StandardCharsets.UTF_8);
      partial.reset();
      all.add(line);
      lines.add(line);
    } else {
      partial.write(b);
    }
  }

  /** The next line not yet taken, waiting up to 10 s for it. */
  String nextLine() throws InterruptedException {
    String line = lines.poll(10, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("no line within 10 s; so far: " + text());
    }
    return line;
  }

  /** Everything written so far, the unfinished line included. */
  synchronized String text() {
    StringBuilder text = new StringBuilder();
    all.forEach(line -> text.append(line).append('\n'));
    return text.append(partial.toString(StandardCharsets.UTF_8)).toString();
  }
}
