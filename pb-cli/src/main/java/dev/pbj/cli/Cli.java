package dev.pbj.cli;

import dev.pbj.Kwargs;
import java.io.File;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code pbj} command line, declared for picocli: {@link #commandLine} parses it, generates its help and its
 * completion script; each subcommand then checks what it was given and becomes a {@link dev.pbj.cli.Command}.
 *
 * <p>Options may come anywhere on the line, until a lone {@code --}; an option's value is the next argument, or
 * follows {@code =} ({@code --timeout=5}). Negative numbers ({@code -5}) are arguments. A repeated single-valued
 * option keeps its last value.
 */
final class Cli {
  static final String DEFAULT_TCP = "127.0.0.1:8789";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** What a string the user forgot to quote looks like. */
  private static final Pattern BARE_WORD = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_ .-]*");

  private Cli() {}

  /** A parsed subcommand, ready to be checked. */
  interface Parsed {
    /** The command to run; {@code root} is the whole command line, for help. */
    dev.pbj.cli.Command toCommand(CommandLine root) throws UsageException;
  }

  /** A new parser for one {@code pbj} command line (picocli keeps the values it parses in its objects). */
  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Pbj());
    line.setExpandAtFiles(false); // '@file' is no argument file: arguments are JSON
    line.setOverwrittenOptionsAllowed(true);
    line.setAllowOptionsAsOptionParameters(true); // --kw --x: the value is '--x'
    line.setAllowSubcommandsAsOptionParameters(true);
    line.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
    return line;
  }

  /** The help of {@code pbj}, or of the subcommand {@code command} names. */
  static String usage(CommandLine root, String... command) throws UsageException {
    CommandLine line = root;
    for (String name : command) {
      line = line.getSubcommands().get(name);
      if (line == null) {
        throw new UsageException("unknown command '" + name + "'");
      }
    }
    return line.getUsageMessage(Help.Ansi.OFF);
  }

  @Command(name = "pbj", synopsisSubcommandLabel = "COMMAND",
      subcommands = {Serve.class, Demo.class, Call.class, HelpCommand.class, Completion.class},
      description = "Serve the PBJ demo root, or call a remote method with JSON arguments and print the answer as "
          + "one line of JSON. 'pbj help COMMAND' (or 'pbj COMMAND --help') describes each command.",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {
          "0:success",
          "1:the remote method raised an error, or the login was refused, printed on stderr as \"TYPE: message\"",
          "2:bad usage, a connection or protocol failure, or a timeout"},
      footerHeading = "%n",
      footer = {
          "JSON numbers, strings, arrays, objects, true/false and null are Python's int/float, str, list, dict, "
              + "bool and None. Other values are tagged objects: {\"$bytes\": \"<base64>\"}, "
              + "{\"$tuple\": [...]}, {\"$set\": [...]}, {\"$frozenset\": [...]}, {\"$float\": \"nan\"}, "
              + "{\"$dict\": [[KEY, VALUE], ...]}, {\"$copy\": \"TYPE\", \"state\": STATE} (a copy, e.g. of "
              + "pbj.demo.Point); answers may also hold {\"$remote\": N}, {\"$cache\": \"TYPE\", \"state\": STATE} "
              + "and others (see pb-cli/README.md)."})
  static final class Pbj {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help.")
    boolean help;
  }

  @Command(name = "serve", sortOptions = false,
      description = {"Serve the demo root and the demo portal (login: alice/wonderland, bob/builder, anonymous).",
          "Prints \"listening URI\" for each listener once it is ready, then runs until killed."})
  static final class Serve implements Parsed {
    /** Each listener option in the order given: its name and value. */
    private final List<String[]> listen = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help.")
    boolean help;

    @Option(names = "--tcp", paramLabel = "HOST:PORT",
        description = "listen on TCP, repeatable (default " + DEFAULT_TCP + "; port 0: any free)")
    void tcp(String value) {
      listener("--tcp", value);
    }

    @Option(names = "--ws", paramLabel = "HOST:PORT",
        description = "listen on WebSocket at ws://HOST:PORT/pb, repeatable")
    void ws(String value) {
      listener("--ws", value);
    }

    @Option(names = "--tls", paramLabel = "HOST:PORT",
        description = "listen on TCP with TLS (tls://HOST:PORT), repeatable; needs --tls-cert and --tls-key")
    void tls(String value) {
      listener("--tls", value);
    }

    @Option(names = "--tls-cert", paramLabel = "FILE",
        description = "the server's certificate chain (PEM, its own certificate first)")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
        description = "its private key (PEM: PKCS#8, PKCS#1 RSA or EC, unencrypted)")
    String tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
        description = "mutual TLS: refuse clients without a certificate this CA (PEM) signed")
    String tlsClientCa;

    @Option(names = "--serializers", paramLabel = "NAME,...",
        description = "the serializers offered, preferred first (default: all, e.g. banana)")
    String serializers;

    @Option(names = "--root", paramLabel = "CLASS",
        description = "serve a new CLASS (public, a Referenceable with a public no-argument constructor) "
            + "instead of the demo, without its portal or copy types")
    String root;

    @Option(names = "--class-path", paramLabel = "JAR[:JAR...]",
        description = "where CLASS comes from: jars or class directories, ':'-separated")
    List<String> classPath = new ArrayList<>();

    @Option(names = "--proxy-protocol", arity = "0",
        description = "TCP listeners take a HAProxy PROXY v1/v2 header first, from a --trusted-proxy only, and see "
            + "the client's address it names")
    boolean proxyProtocol;

    @Option(names = "--trusted-proxy", paramLabel = "ADDRESS",
        description = "a proxy whose word on the client is believed: its PROXY header (with --proxy-protocol; "
            + "default loopback) and on WebSocket its Forwarded/X-Forwarded-* headers; an IP address or CIDR "
            + "block, repeatable")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--max-connections", paramLabel = "N",
        description = "refuse connections past N at once (default 50000)")
    Integer maxConnections;

    @Option(names = "--cluster", paramLabel = "redis://HOST:PORT",
        description = "share the demo room's state and changes with every server given the same Redis")
    String cluster;

    @Option(names = "--until-stdin-closes", arity = "0", description = "stop when standard input reaches its end")
    boolean untilStdinCloses;

    private void listener(String option, String value) {
      if (value != null) {
        listen.add(new String[] {option, value});
      }
    }

    @Override
    public dev.pbj.cli.Command toCommand(CommandLine root) throws UsageException {
      List<URI> listeners = new ArrayList<>();
      boolean tlsListening = false;
      for (String[] option : listen) {
        String hostPort = hostPort(option[0], option[1]);
        switch (option[0]) {
          case "--tcp" -> listeners.add(listenUri("tcp", hostPort, ""));
          case "--ws" -> listeners.add(listenUri("ws", hostPort, "/pb"));
          default -> {
            listeners.add(listenUri("tls", hostPort, ""));
            tlsListening = true;
          }
        }
      }
      TlsFiles tls = serverTls(tlsListening, tlsCert, tlsKey, tlsClientCa);
      List<String> names = serializers == null ? List.of() : names("--serializers", serializers);
      if (listeners.isEmpty()) {
        listeners.add(listenUri("tcp", DEFAULT_TCP, ""));
      }
      List<Path> classes = new ArrayList<>();
      for (String value : classPath) {
        for (String entry : value.split(File.pathSeparator)) {
          if (!entry.isEmpty()) {
            classes.add(Path.of(entry));
          }
        }
      }
      if (this.root == null && !classes.isEmpty()) {
        throw new UsageException("--class-path is where --root CLASS comes from; give --root too");
      }
      dev.pbj.TrustedProxies trusted = null;
      try {
        trusted = trustedProxies.isEmpty() ? null : dev.pbj.TrustedProxies.of(trustedProxies.toArray(String[]::new));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--trusted-proxy: " + e.getMessage());
      }
      dev.pbj.TrustedProxies proxies = !proxyProtocol ? null
          : trusted != null ? trusted : dev.pbj.TrustedProxies.loopback();
      if (maxConnections != null && maxConnections < 1) {
        throw new UsageException("--max-connections must be at least 1, not " + maxConnections);
      }
      URI clusterUri = clusterUri(cluster);
      if (clusterUri != null && this.root != null) {
        throw new UsageException("--cluster shares the demo room; a --root CLASS has none");
      }
      return new ServeCommand(listeners, names, tls, untilStdinCloses, this.root, classes,
          new ServeCommand.Tuning(proxies, trusted, maxConnections, clusterUri));
    }
  }

  @Command(name = "demo", sortOptions = false,
      description = {"Serve the same demo on TCP and WebSocket at once (one room for every client), and the "
          + "browser demo on the WebSocket port: a chat page at / and the JavaScript client at /pbj-client.js.",
          "Prints a \"listening URI\" line per listener, then \"open http://HOST:PORT/\"."})
  static final class Demo implements Parsed {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help.")
    boolean help;

    @Option(names = "--tcp", paramLabel = "HOST:PORT",
        description = "the TCP address (default " + DEFAULT_TCP + "; port 0: any free)")
    String tcp;

    @Option(names = "--ws", paramLabel = "HOST:PORT",
        description = "the WebSocket and web page address (default " + DemoCommand.DEFAULT_WS + ")")
    String ws;

    @Option(names = "--tls", paramLabel = "HOST:PORT",
        description = "also listen on TCP with TLS; needs --tls-cert and --tls-key")
    String tls;

    @Option(names = "--tls-cert", paramLabel = "FILE",
        description = "the server's certificate chain (PEM, its own certificate first)")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
        description = "its private key (PEM: PKCS#8, PKCS#1 RSA or EC, unencrypted)")
    String tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
        description = "mutual TLS: refuse clients without a certificate this CA (PEM) signed")
    String tlsClientCa;

    @Option(names = "--cluster", paramLabel = "redis://HOST:PORT",
        description = "share the demo room's state and changes with every server given the same Redis")
    String cluster;

    @Option(names = "--until-stdin-closes", arity = "0", description = "stop when standard input reaches its end")
    boolean untilStdinCloses;

    @Override
    public dev.pbj.cli.Command toCommand(CommandLine root) throws UsageException {
      URI tcpUri = listenUri("tcp", tcp == null ? DEFAULT_TCP : hostPort("--tcp", tcp), "");
      URI wsUri = listenUri("ws", ws == null ? DemoCommand.DEFAULT_WS : hostPort("--ws", ws), "/pb");
      URI tlsUri = tls == null ? null : listenUri("tls", hostPort("--tls", tls), "");
      TlsFiles files = serverTls(tls != null, tlsCert, tlsKey, tlsClientCa);
      return new DemoCommand(tcpUri, wsUri, tlsUri, files, untilStdinCloses, clusterUri(cluster));
    }
  }

  /** The Redis of {@code --cluster}, checked ({@code redis://HOST:PORT}), or null without the option. */
  static URI clusterUri(String value) throws UsageException {
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value);
      dev.pbj.cluster.redis.RedisCluster.builder(uri); // checks the form; connects nothing
      return uri;
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      throw new UsageException("--cluster takes redis://HOST:PORT, not '" + value + "'");
    }
  }

  @Command(name = "call", sortOptions = false,
      description = {"Call METHOD on the root object at URI (tcp://HOST:PORT, tls://HOST:PORT, "
          + "ws://HOST:PORT/pb or wss://HOST:PORT/pb) and print the answer as one line of JSON.",
          "Each ARG is one JSON value: quote strings, as in '\"hi\"'."})
  static final class Call implements Parsed {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help.")
    boolean help;

    @Option(names = "--serializer", paramLabel = "NAME",
        description = "the serializer to use (default: the server's first choice)")
    String serializer;

    @Option(names = "--login", paramLabel = "USER[:PASS]",
        description = "log in first and call METHOD on the avatar instead of the root; without :PASS the "
            + "password comes from PBJ_PASSWORD, else a prompt (or stdin)")
    String login;

    @Option(names = "--anonymous", arity = "0", description = "log in anonymously first and call METHOD on the avatar")
    boolean anonymous;

    @Option(names = "--kw", paramLabel = "NAME=JSON", description = "a keyword argument, repeatable")
    List<String> kw = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long (default 30)")
    String timeout;

    @Option(names = "--tls-ca", paramLabel = "FILE",
        description = "trust the server's certificate if this CA (PEM) signed it (default: the JDK's CAs); its "
            + "name must match the URI's host")
    String tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE",
        description = "mutual TLS: this client's certificate chain (PEM), with --tls-key")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "its private key (PEM)")
    String tlsKey;

    @Parameters(index = "0", paramLabel = "URI", description = "where the server listens")
    String uri;

    @Parameters(index = "1", paramLabel = "METHOD", description = "the remote method to call")
    String method;

    @Parameters(index = "2..*", arity = "0..*", paramLabel = "ARG", description = "its arguments, JSON values")
    List<String> arguments = new ArrayList<>();

    @Override
    public dev.pbj.cli.Command toCommand(CommandLine root) throws UsageException {
      if (login != null && (login.isEmpty() || login.startsWith(":"))) {
        throw new UsageException("--login takes USER (the password from PBJ_PASSWORD, else asked) or "
            + "USER:PASS (for an anonymous login: --anonymous): got '" + login + "'");
      }
      Kwargs.Builder kwargs = Kwargs.builder();
      for (String value : kw) {
        keyword(value, kwargs);
      }
      Duration seconds = timeout == null ? DEFAULT_TIMEOUT : timeout(timeout);
      Path ca = tlsCa == null ? null : path("--tls-ca", tlsCa);
      Path cert = tlsCert == null ? null : path("--tls-cert", tlsCert);
      Path key = tlsKey == null ? null : path("--tls-key", tlsKey);
      if (login != null && anonymous) {
        throw new UsageException("--login and --anonymous exclude each other");
      }
      URI target = connectUri(uri);
      if ((cert == null) != (key == null)) {
        throw new UsageException("--tls-cert and --tls-key go together: a client certificate needs its key");
      }
      TlsFiles tls = null;
      if (ca != null || cert != null) {
        if (!List.of("tls", "wss").contains(target.getScheme().toLowerCase(Locale.ROOT))) {
          throw new UsageException("--tls-ca, --tls-cert and --tls-key are for tls:// and wss:// URIs: got '"
              + uri + "'");
        }
        tls = new TlsFiles(cert, key, ca);
      }
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < arguments.size(); i++) {
        values.add(json(arguments.get(i), "argument " + (i + 1)));
      }
      return new CallCommand(target, method, values, kwargs.build(), serializer, login, anonymous, seconds, tls);
    }
  }

  @Command(name = "help", helpCommand = true, description = "Print this help, or the help of COMMAND.")
  static final class HelpCommand implements Parsed {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help.")
    boolean help;

    @Parameters(arity = "0..1", paramLabel = "COMMAND", description = "the command to describe")
    String command;

    @Override
    public dev.pbj.cli.Command toCommand(CommandLine root) throws UsageException {
      String text = command == null ? usage(root) : usage(root, command);
      return (in, out, err) -> {
        out.print(text);
        return dev.pbj.cli.Command.OK;
      };
    }
  }

  @Command(name = "completion",
      description = {"Print a bash completion script for pbj (also read by zsh's bashcompinit).",
          "Use: source <(pbj completion), or save it under /etc/bash_completion.d/."})
  static final class Completion implements Parsed {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help.")
    boolean help;

    @Override
    public dev.pbj.cli.Command toCommand(CommandLine root) {
      String script = AutoComplete.bash("pbj", commandLine());
      return (in, out, err) -> {
        out.print(script.endsWith("\n") ? script : script + "\n");
        return dev.pbj.cli.Command.OK;
      };
    }
  }

  /** The files of a TLS listener, or null without one; checks that they go with a {@code --tls} listener. */
  private static TlsFiles serverTls(boolean listening, String certificate, String key, String clientCa)
      throws UsageException {
    Path cert = certificate == null ? null : path("--tls-cert", certificate);
    Path privateKey = key == null ? null : path("--tls-key", key);
    Path ca = clientCa == null ? null : path("--tls-client-ca", clientCa);
    if (!listening) {
      if (cert != null || privateKey != null || ca != null) {
        throw new UsageException("--tls-cert, --tls-key and --tls-client-ca are for a --tls HOST:PORT listener");
      }
      return null;
    }
    if (cert == null || privateKey == null) {
      throw new UsageException("--tls needs the server's certificate and key: --tls-cert FILE --tls-key FILE "
          + "(PEM)");
    }
    return new TlsFiles(cert, privateKey, ca);
  }

  private static String hostPort(String option, String value) throws UsageException {
    int colon = value.lastIndexOf(':');
    String host = colon < 0 ? "" : value.substring(0, colon);
    if (host.isEmpty() || !isPort(value.substring(colon + 1))) {
      throw new UsageException(option + " takes HOST:PORT (e.g. 127.0.0.1:8789; port 0: any free port): "
          + "got '" + value + "'");
    }
    return value;
  }

  private static Path path(String option, String value) throws UsageException {
    if (value.isEmpty()) {
      throw new UsageException(option + " takes a FILE (PEM)");
    }
    return Path.of(value);
  }

  private static boolean isPort(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
      return false;
    }
    return Integer.parseInt(text) <= 65535;
  }

  private static URI listenUri(String scheme, String hostPort, String path) throws UsageException {
    try {
      return new URI(scheme + "://" + hostPort + path);
    } catch (URISyntaxException e) {
      throw new UsageException("not a valid address: '" + hostPort + "' (" + e.getReason() + ")");
    }
  }

  private static URI connectUri(String text) throws UsageException {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new UsageException("not a URI: '" + text + "' (" + e.getReason() + ")");
    }
    if (uri.getScheme() == null || uri.getHost() == null || uri.getPort() < 0) {
      throw new UsageException("the URI must name a scheme, host and port, as in tcp://127.0.0.1:8789: got '"
          + text + "'");
    }
    return uri;
  }

  private static List<String> names(String option, String value) throws UsageException {
    List<String> names = Arrays.stream(value.split(",")).map(String::trim).toList();
    if (names.stream().anyMatch(String::isEmpty)) {
      throw new UsageException(option + " takes names separated by commas, e.g. banana,msgpack");
    }
    return names;
  }

  private static void keyword(String value, Kwargs.Builder kwargs) throws UsageException {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new UsageException("--kw takes NAME=JSON, e.g. --kw start=5: got '" + value + "'");
    }
    String name = value.substring(0, eq);
    kwargs.put(name, json(value.substring(eq + 1), "keyword argument " + name));
  }

  private static Duration timeout(String text) throws UsageException {
    try {
      BigDecimal seconds = new BigDecimal(text);
      if (seconds.signum() > 0) {
        return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below
    }
    throw new UsageException("--timeout takes a positive number of seconds: got '" + text + "'");
  }

  private static Object json(String text, String what) throws UsageException {
    try {
      return JsonValues.standard().parse(text);
    } catch (IllegalArgumentException e) {
      String hint = BARE_WORD.matcher(text).matches() ? " (a string needs quotes: '\"" + text + "\"')" : "";
      throw new UsageException(what + " is not a value: " + e.getMessage() + hint, false);
    }
  }
}
