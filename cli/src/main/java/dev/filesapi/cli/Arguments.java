package dev.filesapi.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command line: options ({@code --name value}, {@code --name=value}, flags) anywhere, the rest
 * positional, {@code --} ending the options. Unknown options are a usage error.
 */
final class Arguments {
  /** Options that take a value, with any command. */
  static final Set<String> VALUED =
      Set.of(
          "--url",
          "--key",
          "--name",
          "--type",
          "--parallel",
          "--limit-rate",
          "--progress",
          "--progress-interval",
          "--status");

  /** Flags, with any command. */
  static final Set<String> FLAGS =
      Set.of("--json", "--quiet", "--help", "--version", "--no-resume");

  private static final Map<String, String> SHORT = Map.of("-q", "--quiet", "-h", "--help");

  final List<String> positional = new ArrayList<>();
  private final Map<String, String> values = new HashMap<>();

  Arguments(List<String> args) {
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
        positional.add(arg);
        continue;
      }
      if (arg.equals("--")) {
        optionsEnded = true;
        continue;
      }
      String name = SHORT.getOrDefault(arg, arg);
      String value = null;
      int equals = name.indexOf('=');
      if (equals > 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      if (VALUED.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw new CliFailure(ExitCode.USAGE, name + " needs a value");
          }
          value = args.get(++i);
        }
        values.put(name, value);
      } else if (FLAGS.contains(name)) {
        if (value != null) {
          throw new CliFailure(ExitCode.USAGE, name + " takes no value");
        }
        values.put(name, "true");
      } else {
        throw new CliFailure(ExitCode.USAGE, "unknown option " + name + " (see files --help)");
      }
    }
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }

  Optional<String> value(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** Fails with a usage error when an option given is not one of {@code allowed}. */
  void only(String command, Set<String> allowed) {
    for (String name : values.keySet()) {
      if (!allowed.contains(name) && !GLOBAL.contains(name)) {
        throw new CliFailure(ExitCode.USAGE, name + " is not an option of files " + command);
      }
    }
  }

  static final Set<String> GLOBAL =
      Set.of("--url", "--key", "--json", "--quiet", "--help", "--version");

  int intValue(String name, int fallback, int min, int max) {
    Optional<String> text = value(name);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(text.get());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new CliFailure(
          ExitCode.USAGE, name + " must be a whole number from " + min + " to " + max);
    }
  }

  /** A size like {@code 10M}, {@code 512k}, {@code 1G} (binary units) or plain bytes. */
  static long size(String name, String text) {
    String t = text.trim().toUpperCase(java.util.Locale.ROOT);
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    long unit = 1;
    if (!t.isEmpty()) {
      char last = t.charAt(t.length() - 1);
      int shift = "KMGT".indexOf(last);
      if (shift >= 0) {
        unit = 1L << (10 * (shift + 1));
        t = t.substring(0, t.length() - 1);
      }
    }
    try {
      double value = Double.parseDouble(t);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return (long) (value * unit);
    } catch (NumberFormatException e) {
      throw new CliFailure(ExitCode.USAGE, name + ": not a size: " + text + " (e.g. 10M)");
    }
  }
}
