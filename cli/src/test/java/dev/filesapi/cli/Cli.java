package dev.filesapi.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the committed launcher ({@code cli/bin/files}) as a user would, in a directory. */
final class Cli {
  static final Path LAUNCHER = Path.of(System.getProperty("files.cli.launcher", "bin/files"));

  final Path dir;
  final Map<String, String> env = new HashMap<>();

  Cli(Path dir, PackagedService service) {
    this.dir = dir;
    env.put("FILES_API_URL", service.apiUrl());
    env.put("FILES_API_KEY", service.key);
  }

  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /**
   * Starts the tool; stdout and stderr go to files in the directory. Through perl (Debian's
   * perl-base is always there), which sets SIGINT back to its default before it execs the launcher:
   * a build started in the background ({@code nohup … &}, some CI runners) ignores SIGINT, its
   * children inherit that and the JVM then never sees a Ctrl+C, while a terminal's tool does.
   */
  Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\""));
    command.add(LAUNCHER.toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("FILES_"));
    builder.environment().putAll(env);
    return builder.start();
  }

  Result finish(Process process) throws IOException, InterruptedException {
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the tool did not end within 5 minutes");
    }
    return new Result(
        process.exitValue(),
        Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
  }

  Result run(String... args) throws IOException, InterruptedException {
    return finish(start(args));
  }
}
