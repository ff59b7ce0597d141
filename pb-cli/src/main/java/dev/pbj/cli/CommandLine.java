package dev.pbj.cli;

import dev.pbj.Kwargs;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses a {@code pbj} command line into a {@link Command}; the syntax is {@link Main#USAGE}.
 *
 * <p>An argument that starts with {@code --} is an option, anywhere on the line, until a lone {@code --}; every
 * other argument is positional. JSON values never start with {@code --}, so negative numbers ({@code -5}) are
 * arguments. An option's value is the next argument, or follows {@code =} ({@code --timeout=5}).
 */
final class CommandLine {
  static final String DEFAULT_TCP = "127.0.0.1:8789";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** What a string the user forgot to quote looks like. */
  private static final Pattern BARE_WORD = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_ .-]*");

  private final List<String> args;
  private final List<String> positional = new ArrayList<>();
  private int next;
  private boolean optionsEnded;

  private CommandLine(List<String> args) {
    this.args = args;
  }

  /** The command {@code args} asks for. */
  static Command parse(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("no command given");
    }
    CommandLine line = new CommandLine(args.subList(1, args.size()));
    String name = args.get(0);
    switch (name) {
      case "serve":
        return line.serve();
      case "call":
        return line.call();
      case "demo":
        return line.demo();
      case "help":
      case "--help":
      case "-h":
        return CommandLine::help;
      default:
        throw new UsageException("unknown command '" + name + "'");
    }
  }

  private static int help(InputStream in, PrintStream out, PrintStream err) {
    out.print(Main.USAGE);
    return Command.OK;
  }

  private Command serve() throws UsageException {
    List<URI> listeners = new ArrayList<>();
    List<String> serializers = List.of();
    boolean untilStdinCloses = false;
    ServerTls tls = new ServerTls();
    String root = null;
    List<java.nio.file.Path> classPath = new ArrayList<>();
    for (Option option = nextOption(); option != null; option = nextOption()) {
      switch (option.name) {
        case "--help":
        case "-h":
          return CommandLine::help;
        case "--tcp":
          listeners.add(listenUri("tcp", hostPort(option), ""));
          break;
        case "--root":
          root = option.value();
          break;
        case "--class-path":
          for (String entry : option.value().split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
              classPath.add(java.nio.file.Path.of(entry));
            }
          }
          break;
        case "--ws":
          listeners.add(listenUri("ws", hostPort(option), "/pb"));
          break;
        case "--tls":
          listeners.add(listenUri("tls", hostPort(option), ""));
          tls.listening = true;
          break;
        case "--tls-cert":
        case "--tls-key":
        case "--tls-client-ca":
          tls.take(option);
          break;
        case "--serializers":
          serializers = names(option);
          break;
        case "--until-stdin-closes":
          option.noValue();
          untilStdinCloses = true;
          break;
        default:
          throw option.unknown("serve");
      }
    }
    if (!positional.isEmpty()) {
      throw new UsageException("serve takes no arguments: got " + positional);
    }
    if (listeners.isEmpty()) {
      listeners.add(listenUri("tcp", DEFAULT_TCP, ""));
    }
    if (root == null && !classPath.isEmpty()) {
      throw new UsageException("--class-path is where --root CLASS comes from; give --root too");
    }
    return new ServeCommand(listeners, serializers, tls.files(), untilStdinCloses, root, classPath);
  }

  private Command demo() throws UsageException {
    URI tcp = null;
    URI ws = null;
    URI tlsUri = null;
    ServerTls tls = new ServerTls();
    boolean untilStdinCloses = false;
    for (Option option = nextOption(); option != null; option = nextOption()) {
      switch (option.name) {
        case "--help":
        case "-h":
          return CommandLine::help;
        case "--tcp":
          tcp = listenUri("tcp", hostPort(option), "");
          break;
        case "--ws":
          ws = listenUri("ws", hostPort(option), "/pb");
          break;
        case "--tls":
          tlsUri = listenUri("tls", hostPort(option), "");
          tls.listening = true;
          break;
        case "--tls-cert":
        case "--tls-key":
        case "--tls-client-ca":
          tls.take(option);
          break;
        case "--until-stdin-closes":
          option.noValue();
          untilStdinCloses = true;
          break;
        default:
          throw option.unknown("demo");
      }
    }
    if (!positional.isEmpty()) {
      throw new UsageException("demo takes no arguments: got " + positional);
    }
    return new DemoCommand(tcp != null ? tcp : listenUri("tcp", DEFAULT_TCP, ""),
        ws != null ? ws : listenUri("ws", DemoCommand.DEFAULT_WS, "/pb"), tlsUri, tls.files(), untilStdinCloses);
  }

  private Command call() throws UsageException {
    String serializer = null;
    String login = null;
    boolean anonymous = false;
    Duration timeout = DEFAULT_TIMEOUT;
    Path tlsCa = null;
    Path tlsCert = null;
    Path tlsKey = null;
    Kwargs.Builder kwargs = Kwargs.builder();
    for (Option option = nextOption(); option != null; option = nextOption()) {
      switch (option.name) {
        case "--help":
        case "-h":
          return CommandLine::help;
        case "--serializer":
          serializer = option.value();
          break;
        case "--login":
          login = option.value();
          if (login.isEmpty() || login.startsWith(":")) {
            throw new UsageException("--login takes USER (the password from PBJ_PASSWORD, else asked) or "
                + "USER:PASS (for an anonymous login: --anonymous): got '" + login + "'");
          }
          break;
        case "--anonymous":
          option.noValue();
          anonymous = true;
          break;
        case "--kw":
          keyword(option.value(), kwargs);
          break;
        case "--timeout":
          timeout = timeout(option.value());
          break;
        case "--tls-ca":
          tlsCa = path(option);
          break;
        case "--tls-cert":
          tlsCert = path(option);
          break;
        case "--tls-key":
          tlsKey = path(option);
          break;
        default:
          throw option.unknown("call");
      }
    }
    if (login != null && anonymous) {
      throw new UsageException("--login and --anonymous exclude each other");
    }
    if (positional.size() < 2) {
      throw new UsageException("call needs a URI and a METHOD: got " + positional);
    }
    URI uri = connectUri(positional.get(0));
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("--tls-cert and --tls-key go together: a client certificate needs its key");
    }
    TlsFiles tls = null;
    if (tlsCa != null || tlsCert != null) {
      if (!List.of("tls", "wss").contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))) {
        throw new UsageException("--tls-ca, --tls-cert and --tls-key are for tls:// and wss:// URIs: got '"
            + positional.get(0) + "'");
      }
      tls = new TlsFiles(tlsCert, tlsKey, tlsCa);
    }
    String method = positional.get(1);
    List<Object> arguments = new ArrayList<>();
    for (int i = 2; i < positional.size(); i++) {
      arguments.add(json(positional.get(i), "argument " + (i - 1)));
    }
    return new CallCommand(uri, method, arguments, kwargs.build(), serializer, login, anonymous, timeout, tls);
  }

  /** The TLS options of {@code serve} and {@code demo}, checked together once all are read. */
  private static final class ServerTls {
    boolean listening;
    private Path certificate;
    private Path key;
    private Path clientCa;

    void take(Option option) throws UsageException {
      Path file = path(option);
      switch (option.name) {
        case "--tls-cert" -> certificate = file;
        case "--tls-key" -> key = file;
        default -> clientCa = file;
      }
    }

    /** The files of a TLS listener, or null without one. */
    TlsFiles files() throws UsageException {
      if (!listening) {
        if (certificate != null || key != null || clientCa != null) {
          throw new UsageException("--tls-cert, --tls-key and --tls-client-ca are for a --tls HOST:PORT listener");
        }
        return null;
      }
      if (certificate == null || key == null) {
        throw new UsageException("--tls needs the server's certificate and key: --tls-cert FILE --tls-key FILE "
            + "(PEM)");
      }
      return new TlsFiles(certificate, key, clientCa);
    }
  }

  /** An option and the arguments after it, from which it may take its value. */
  private final class Option {
    final String name;
    private final String inlineValue;

    Option(String arg) {
      int eq = arg.indexOf('=');
      this.name = eq < 0 ? arg : arg.substring(0, eq);
      this.inlineValue = eq < 0 ? null : arg.substring(eq + 1);
    }

    String value() throws UsageException {
      if (inlineValue != null) {
        return inlineValue;
      }
      if (next >= args.size()) {
        throw new UsageException(name + " needs a value");
      }
      return args.get(next++);
    }

    void noValue() throws UsageException {
      if (inlineValue != null) {
        throw new UsageException(name + " takes no value");
      }
    }

    UsageException unknown(String command) {
      return new UsageException("unknown option " + name + " for " + command);
    }
  }

  /** The next option, skipping (and keeping) positional arguments; null when there is none. */
  private Option nextOption() {
    while (next < args.size() && !optionsEnded) {
      String arg = args.get(next);
      if (arg.equals("--")) {
        optionsEnded = true;
        positional.addAll(args.subList(next + 1, args.size()));
        next = args.size();
        return null;
      }
      next++;
      if (arg.startsWith("--") || arg.equals("-h")) {
        return new Option(arg);
      }
      positional.add(arg);
    }
    return null;
  }

  private static String hostPort(Option option) throws UsageException {
    String value = option.value();
    int colon = value.lastIndexOf(':');
    String host = colon < 0 ? "" : value.substring(0, colon);
    if (host.isEmpty() || !isPort(value.substring(colon + 1))) {
      throw new UsageException(option.name + " takes HOST:PORT (e.g. 127.0.0.1:8789; port 0: any free port): "
          + "got '" + value + "'");
    }
    return value;
  }

  private static Path path(Option option) throws UsageException {
    String value = option.value();
    if (value.isEmpty()) {
      throw new UsageException(option.name + " takes a FILE (PEM)");
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

  private static List<String> names(Option option) throws UsageException {
    List<String> names = Arrays.stream(option.value().split(",")).map(String::trim).toList();
    if (names.stream().anyMatch(String::isEmpty)) {
      throw new UsageException(option.name + " takes names separated by commas, e.g. banana,msgpack");
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
