package dev.filesapi.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code files}: the Files API from a shell. Each failure is one line on stderr and an exit status
 * of its kind ({@link ExitCode}); never a stack trace.
 */
public final class Main {
  static final String VERSION = "0.1.0";

  /** Set by the interrupt hook: whatever fails afterwards is not reported again. */
  static final AtomicBoolean INTERRUPTED = new AtomicBoolean();

  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  Main(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  public static void main(String[] args) {
    // Part PUTs keep a connection alive for each of up to 64 parallel parts (the JDK keeps 5).
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", "64");
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    int status = new Main(out, err, System.getenv()).run(Arrays.asList(args));
    out.flush();
    System.exit(status);
  }

  int run(List<String> args) {
    try {
      return command(new Arguments(args)).status;
    } catch (CliFailure e) {
      if (!INTERRUPTED.get()) {
        err.println("files: " + e.getMessage());
      }
      return e.exitCode.status;
    } catch (RuntimeException | Error e) {
      if (!INTERRUPTED.get()) {
        err.println("files: unexpected error: " + e);
      }
      return ExitCode.FAILED.status;
    }
  }

  private ExitCode command(Arguments args) {
    if (args.flag("--version")) {
      out.println("files " + VERSION);
      return ExitCode.OK;
    }
    String name = args.positional.isEmpty() ? "help" : args.positional.get(0);
    List<String> rest =
        args.positional.subList(Math.min(1, args.positional.size()), args.positional.size());
    if (name.equals("help")) {
      out.print(Help.text(rest.isEmpty() ? "" : rest.get(0)));
      return ExitCode.OK;
    }
    if (!Help.COMMANDS.contains(name)) {
      throw new CliFailure(ExitCode.USAGE, "unknown command " + name + " (see files --help)");
    }
    if (args.flag("--help")) {
      out.print(Help.text(name));
      return ExitCode.OK;
    }
    switch (name) {
      case "upload" -> upload(args, rest);
      case "download" -> download(args, rest);
      case "ls" -> list(args, rest);
      case "rm" -> remove(args, rest);
      case "info" -> info(args, rest);
      case "uploads" -> uploads(args, rest);
      case "abort" -> abort(args, rest);
      default -> throw new CliFailure(ExitCode.USAGE, "unknown command " + name);
    }
    return ExitCode.OK;
  }

  private ApiClient api(Arguments args) {
    String address =
        args.value("--url")
            .or(() -> Optional.ofNullable(env.get("FILES_API_URL")).filter(s -> !s.isBlank()))
            .orElse("http://localhost:8080/v1");
    String key =
        args.value("--key")
            .or(() -> Optional.ofNullable(env.get("FILES_API_KEY")).filter(s -> !s.isBlank()))
            .orElseThrow(
                () ->
                    new CliFailure(
                        ExitCode.KEY_REFUSED,
                        "no API key: set FILES_API_KEY (the service's banner shows how) or pass"
                            + " --key"))
            .trim();
    return new ApiClient(ApiClient.apiBase(address), key, Backoff.DEFAULT);
  }

  private ProgressPrinter.Mode progressMode(Arguments args) {
    if (args.flag("--quiet")) {
      return ProgressPrinter.Mode.NONE;
    }
    String mode =
        args.value("--progress").orElse(Boolean.getBoolean("files.tty") ? "bar" : "plain");
    return switch (mode) {
      case "bar" -> ProgressPrinter.Mode.BAR;
      case "plain" -> ProgressPrinter.Mode.PLAIN;
      case "none" -> ProgressPrinter.Mode.NONE;
      default -> throw new CliFailure(ExitCode.USAGE, "--progress is bar, plain or none");
    };
  }

  private static int width() {
    String columns = System.getProperty("files.columns", System.getenv("COLUMNS"));
    try {
      return columns == null ? 80 : Math.max(20, Integer.parseInt(columns.trim()));
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  private static long intervalMillis(Arguments args) {
    try {
      long millis =
          args.value("--progress-interval")
              .map(v -> (long) (Double.parseDouble(v) * 1000))
              .orElse(10_000L);
      if (millis < 100) {
        throw new NumberFormatException();
      }
      return millis;
    } catch (NumberFormatException e) {
      throw new CliFailure(ExitCode.USAGE, "--progress-interval is seconds, 0.1 or more");
    }
  }

  private static RateLimit rateLimit(Arguments args) {
    return args.value("--limit-rate")
        .map(v -> new RateLimit(Arguments.size("--limit-rate", v)))
        .orElse(RateLimit.NONE);
  }

  private void upload(Arguments args, List<String> paths) {
    args.only(
        "upload",
        Set.of(
            "--name",
            "--type",
            "--parallel",
            "--no-resume",
            "--limit-rate",
            "--progress",
            "--progress-interval"));
    if (paths.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE, "upload needs a PATH (see files upload --help)");
    }
    if (paths.size() > 1 && args.value("--name").isPresent()) {
      throw new CliFailure(ExitCode.USAGE, "--name goes with one PATH only");
    }
    ApiClient api = api(args);
    Uploader.Options options =
        new Uploader.Options(
            args.value("--name"),
            args.value("--type"),
            args.intValue("--parallel", 8, 1, 64),
            !args.flag("--no-resume"),
            rateLimit(args),
            progressMode(args),
            width(),
            intervalMillis(args));
    Uploader uploader = new Uploader(api, Backoff.DEFAULT, err);
    for (String path : paths) {
      Map<String, Object> result = uploader.upload(Path.of(path), options);
      if (args.flag("--json")) {
        out.println(Json.write(result));
      } else if (!args.flag("--quiet")) {
        double seconds = ((Number) result.get("seconds")).doubleValue();
        long bytes = ((Number) result.get("num_bytes")).longValue();
        out.println(
            "uploaded "
                + result.get("file_id")
                + " ("
                + ProgressFormat.bytes(bytes)
                + " in "
                + String.format(java.util.Locale.ROOT, "%.1f", seconds)
                + " s, "
                + ProgressFormat.rate(seconds > 0 ? bytes / seconds : 0)
                + "; "
                + result.get("parts_sent")
                + " parts sent"
                + (((Number) result.get("parts_skipped")).intValue() > 0
                    ? ", " + result.get("parts_skipped") + " stored before"
                    : "")
                + ")");
      }
    }
  }

  private void download(Arguments args, List<String> rest) {
    args.only("download", Set.of("--limit-rate", "--progress", "--progress-interval"));
    if (rest.isEmpty() || rest.size() > 2) {
      throw new CliFailure(
          ExitCode.USAGE, "download takes FILE_ID [PATH] (see files download --help)");
    }
    ApiClient api = api(args);
    Map<String, Object> result =
        new Downloader(api, Backoff.DEFAULT, err)
            .download(
                rest.get(0),
                rest.size() > 1 ? Optional.of(Path.of(rest.get(1))) : Optional.empty(),
                rateLimit(args),
                progressMode(args),
                width(),
                intervalMillis(args));
    if (args.flag("--json")) {
      out.println(Json.write(result));
    } else if (!args.flag("--quiet")) {
      out.println(
          "downloaded "
              + result.get("file_id")
              + " to "
              + result.get("path")
              + " ("
              + ProgressFormat.bytes(((Number) result.get("num_bytes")).longValue())
              + (Boolean.TRUE.equals(result.get("crc32c_checked")) ? ", CRC32C checked" : "")
              + ")");
    }
  }

  private void list(Arguments args, List<String> rest) {
    args.only("ls", Set.of("--type"));
    if (!rest.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE, "ls takes no arguments (see files ls --help)");
    }
    ApiClient api = api(args);
    String query = "files/metadata?max_items_per_shard=1000&shard_index=0";
    if (args.value("--type").isPresent()) {
      query +=
          "&file_type="
              + java.net.URLEncoder.encode(args.value("--type").get(), StandardCharsets.UTF_8);
    }
    URI next = api.base().resolve(query);
    boolean json = args.flag("--json");
    boolean first = true;
    if (json) {
      out.print("[");
    }
    while (next != null) {
      ApiClient.Answer answer = api.expectOk(api.send("GET", next.toString(), null, "ls"), "ls");
      for (Object item : (List<?>) Json.parse(answer.body())) {
        Map<?, ?> file = (Map<?, ?>) item;
        if (json) {
          out.print((first ? "" : ",") + Json.write(file));
        } else {
          out.println(
              String.format(
                  java.util.Locale.ROOT,
                  "%10s  %-20s  %s",
                  ProgressFormat.bytes(((Number) file.get("num_bytes")).longValue()),
                  shortTime(file.get("created_at")),
                  file.get("file_id")));
        }
        first = false;
      }
      next = nextLink(answer).orElse(null);
    }
    if (json) {
      out.println("]");
    }
  }

  private static String shortTime(Object value) {
    if (value == null) {
      return "";
    }
    try {
      return Instant.parse(value.toString()).toString().substring(0, 19).replace('T', ' ');
    } catch (RuntimeException e) {
      return value.toString();
    }
  }

  static Optional<URI> nextLink(ApiClient.Answer answer) {
    for (String link : answer.headers().all("Link")) {
      Matcher m = NEXT_LINK.matcher(link);
      if (m.find()) {
        return Optional.of(URI.create(m.group(1)));
      }
    }
    return Optional.empty();
  }

  private void remove(Arguments args, List<String> rest) {
    args.only("rm", Set.of());
    if (rest.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE, "rm takes FILE_ID… (see files rm --help)");
    }
    ApiClient api = api(args);
    for (String fileId : rest) {
      ApiClient.Answer answer =
          api.expectOk(
              api.send("DELETE", "files/delete/" + ApiClient.segment(fileId), null, "rm " + fileId),
              "rm " + fileId);
      if (args.flag("--json")) {
        out.println(answer.body().strip());
      } else if (!args.flag("--quiet")) {
        out.println("deleted " + fileId);
      }
    }
  }

  private void info(Arguments args, List<String> rest) {
    args.only("info", Set.of());
    if (!rest.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE, "info takes no arguments");
    }
    ApiClient api = api(args);
    Map<String, Object> info = api.getJson("files/info", "info");
    if (args.flag("--json")) {
      Map<String, Object> shown = new LinkedHashMap<>(info);
      shown.put("api", api.displayBase());
      out.println(Json.write(shown));
      return;
    }
    Object updated = info.get("last_updated");
    double seconds = updated instanceof Number n ? n.doubleValue() : 0;
    out.println("API:          " + api.displayBase());
    out.println("Files:        " + info.get("num_files"));
    out.println(
        "Bytes:        "
            + ProgressFormat.bytes(((Number) info.get("num_bytes")).longValue())
            + " ("
            + info.get("num_bytes")
            + ")");
    out.println("Ingested:     " + info.get("num_ingested"));
    out.println(
        "Last change:  "
            + (seconds > 0 ? Instant.ofEpochMilli((long) (seconds * 1000)).toString() : "never"));
  }

  private void uploads(Arguments args, List<String> rest) {
    args.only("uploads", Set.of("--status"));
    ApiClient api = api(args);
    String status = args.value("--status").orElse("in_progress");
    Map<String, Object> page =
        api.getJson("files/uploads?limit=1000&status=" + ApiClient.segment(status), "uploads");
    List<?> items = (List<?>) page.get("uploads");
    if (args.flag("--json")) {
      out.println(Json.write(items));
      return;
    }
    for (Object item : items == null ? List.of() : items) {
      Map<?, ?> upload = (Map<?, ?>) item;
      List<?> checkpointed = (List<?>) upload.get("checkpointed_parts");
      out.println(
          upload.get("upload_id")
              + "  "
              + upload.get("status")
              + "  "
              + (checkpointed == null ? 0 : checkpointed.size())
              + "/"
              + upload.get("num_parts")
              + " parts  "
              + upload.get("file_name"));
    }
  }

  private void abort(Arguments args, List<String> rest) {
    args.only("abort", Set.of());
    if (rest.isEmpty()) {
      throw new CliFailure(ExitCode.USAGE, "abort takes UPLOAD_ID… (see files abort --help)");
    }
    ApiClient api = api(args);
    List<String> done = new ArrayList<>();
    for (String uploadId : rest) {
      api.expectOk(
          api.send(
              "POST",
              "files/uploads/" + ApiClient.segment(uploadId) + "/abort",
              null,
              "abort " + uploadId),
          "abort " + uploadId);
      done.add(uploadId);
      if (!args.flag("--json") && !args.flag("--quiet")) {
        out.println("aborted " + uploadId);
      }
    }
    if (args.flag("--json")) {
      out.println(Json.write(Map.of("aborted", done)));
    }
  }

  /** A word the shell reads back as itself. */
  static String shellQuote(String word) {
    if (word.matches("[A-Za-z0-9_./:=@%+-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
