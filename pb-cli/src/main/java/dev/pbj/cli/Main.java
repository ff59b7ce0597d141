package dev.pbj.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code pbj} command's entry point. {@link #run} runs one command line against the given streams and
 * returns its exit status (see {@link #USAGE}); only {@link #main} exits the JVM, so tests run commands in
 * process.
 */
public final class Main {
  /** What {@code pbj help} prints. */
  public static final String USAGE = String.join("\n",
      "usage: pbj serve [--tcp HOST:PORT]... [--ws HOST:PORT]... [--serializers NAME,...]",
      "                 [--tls HOST:PORT... --tls-cert FILE --tls-key FILE [--tls-client-ca FILE]]",
      "                 [--root CLASS --class-path JAR[:JAR...]] [--until-stdin-closes]",
      "       pbj demo [--tcp HOST:PORT] [--ws HOST:PORT]",
      "                [--tls HOST:PORT --tls-cert FILE --tls-key FILE [--tls-client-ca FILE]]",
      "                [--until-stdin-closes]",
      "       pbj call [--serializer NAME] [--login USER[:PASS] | --anonymous] [--kw NAME=JSON]...",
      "                [--timeout SECONDS] [--tls-ca FILE] [--tls-cert FILE --tls-key FILE]",
      "                URI METHOD [ARG...]",
      "       pbj help",
      "",
      "serve  Serve the demo root and the demo portal (login: alice/wonderland, bob/builder, anonymous).",
      "       Prints \"listening URI\" for each listener once it is ready, then runs until killed.",
      "         --tcp HOST:PORT       listen on TCP, repeatable (default 127.0.0.1:8789; port 0: any free)",
      "         --ws HOST:PORT        listen on WebSocket at ws://HOST:PORT/pb, repeatable",
      "         --serializers NAMES   the serializers offered, preferred first (default: all, e.g. banana)",
      "         --tls HOST:PORT       listen on TCP with TLS (tls://HOST:PORT), repeatable; needs:",
      "         --tls-cert FILE       the server's certificate chain (PEM, its own certificate first)",
      "         --tls-key FILE        its private key (PEM: PKCS#8, PKCS#1 RSA or EC, unencrypted)",
      "         --tls-client-ca FILE  mutual TLS: refuse clients without a certificate this CA (PEM) signed",
      "         --root CLASS          serve a new CLASS (public, a Referenceable with a public no-argument",
      "                               constructor) instead of the demo, without its portal or copy types",
      "         --class-path JARS     where CLASS comes from: jars or class directories, ':'-separated",
      "         --until-stdin-closes  stop when standard input reaches its end",
      "demo   Serve the same demo on TCP and WebSocket at once (one room for every client), and the",
      "       browser demo on the WebSocket port: a chat page at / and the JavaScript client at",
      "       /pbj-client.js. Prints a \"listening URI\" line per listener, then \"open http://HOST:PORT/\".",
      "         --tcp HOST:PORT       the TCP address (default 127.0.0.1:8789; port 0: any free)",
      "         --ws HOST:PORT        the WebSocket and web page address (default 127.0.0.1:8790)",
      "         --tls HOST:PORT       also listen on TCP with TLS; --tls-cert, --tls-key and",
      "                               --tls-client-ca as for serve",
      "         --until-stdin-closes  stop when standard input reaches its end",
      "call   Call METHOD on the root object at URI (tcp://HOST:PORT, tls://HOST:PORT, ws://HOST:PORT/pb",
      "       or wss://HOST:PORT/pb) and print",
      "       the answer as one line of JSON. Each ARG is one JSON value: quote strings, as in '\"hi\"'.",
      "         --kw NAME=JSON        a keyword argument, repeatable",
      "         --serializer NAME     the serializer to use (default: the server's first choice)",
      "         --timeout SECONDS     give up after this long (default 30)",
      "         --login USER[:PASS]   log in first and call METHOD on the avatar instead of the root; without",
      "                               :PASS the password comes from PBJ_PASSWORD, else a prompt (or stdin)",
      "         --anonymous           log in anonymously first and call METHOD on the avatar",
      "         --tls-ca FILE         trust the server's certificate if this CA (PEM) signed it (default:",
      "                               the JDK's CAs); its name must match the URI's host",
      "         --tls-cert FILE       mutual TLS: this client's certificate chain (PEM), with:",
      "         --tls-key FILE        its private key (PEM)",
      "help   Print this text.",
      "",
      "Exit status: 0 success; 1 the remote method raised an error, or the login was refused, printed",
      "on stderr as \"TYPE: message\"; 2 bad usage, a connection or protocol failure, or a timeout.",
      "",
      "JSON numbers, strings, arrays, objects, true/false and null are Python's int/float, str, list,",
      "dict, bool and None. Other values are tagged objects: {\"$bytes\": \"<base64>\"}, {\"$tuple\": [...]},",
      "{\"$set\": [...]}, {\"$frozenset\": [...]}, {\"$float\": \"nan\"}, {\"$dict\": [[KEY, VALUE], ...]},",
      "{\"$copy\": \"TYPE\", \"state\": STATE} (a copy, e.g. of pbj.demo.Point); answers may also hold",
      "{\"$remote\": N}, {\"$cache\": \"TYPE\", \"state\": STATE} and others (see pb-cli/README.md).",
      "");

  private Main() {}

  /** Runs the command line and exits with its status. Output is UTF-8 whatever the platform's charset. */
  public static void main(String[] args) {
    // Undertow and XNIO (the WebSocket transport) log through jboss-logging, which would pick java.util.logging
    // and print INFO lines; route them to slf4j-simple, whose settings keep stderr to warnings and errors.
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    int status = run(args, System.in, out, err);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /** Runs one command line with standard input as {@code in}; see {@link #run(String[], InputStream, PrintStream, PrintStream)}. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System.in, out, err);
  }

  /**
   * Runs one command line: results to {@code out}, diagnostics and usage errors to {@code err}. Returns when the
   * command is done ({@code serve}: once it has been told to stop).
   *
   * @return the exit status: 0 success, 1 remote error, 2 bad usage or a connection, protocol or timeout failure
   */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    Command command;
    try {
      command = CommandLine.parse(List.of(args));
    } catch (UsageException e) {
      err.println("pbj: " + e.getMessage());
      err.print(e.showUsage() ? "\n" + USAGE : "run 'pbj help' for usage\n");
      err.flush();
      return Command.FAILURE;
    }
    int status = command.run(in, out, err);
    out.flush();
    err.flush();
    return status;
  }
}
