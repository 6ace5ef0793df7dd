package dev.filesapi.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * {@code files upload}: one file through the service's multipart upload. Initiates with {@code
 * resume_if_started} (so a run killed at any point continues the same upload and sends only the
 * parts not checkpointed), PUTs the parts straight to the store from {@code --parallel} threads,
 * each part streamed from disk, checkpoints them as they finish, and completes, repeating the
 * complete while the service answers {@code 202} or {@code 503}.
 */
final class Uploader {
  /** A URL this close to its expiry is replaced before its PUT. */
  private static final Duration URL_MARGIN = Duration.ofSeconds(90);

  /** Waiting parts whose URLs expire within this are refreshed together with one that must be. */
  private static final Duration URL_BATCH_MARGIN = Duration.ofMinutes(5);

  /** Rounds of re-sending parts the complete names as invalid or missing. */
  private static final int COMPLETE_REPAIRS = 2;

  /** The longest the tool repeats a complete while the store assembles the object. */
  private static final Duration COMPLETE_PATIENCE = Duration.ofHours(2);

  record Options(
      Optional<String> name,
      Optional<String> type,
      int parallel,
      boolean resume,
      RateLimit rateLimit,
      ProgressPrinter.Mode progress,
      int width,
      long intervalMillis) {}

  private final ApiClient api;
  private final Backoff backoff;
  private final PrintStream err;

  Uploader(ApiClient api, Backoff backoff, PrintStream err) {
    this.api = api;
    this.backoff = backoff;
    this.err = err;
  }

  /** State of one run, shared by the part threads. */
  private final class Run {
    final Path path;
    final String name;
    final String uploadId;
    final long size;
    final int numParts;
    final int skipped;
    final FileChannel file;
    final PartQueue queue;
    final Progress progress;
    final Options options;
    final Map<Integer, String> tokens = new ConcurrentHashMap<>();
    final Map<Long, long[]> crcs = new ConcurrentHashMap<>(); // offset -> {length, crc}
    final AtomicInteger putRequests = new AtomicInteger();
    final AtomicInteger retries = new AtomicInteger();
    final Object refreshLock = new Object();
    volatile CliFailure failure;
    Checkpointer checkpointer;

    Run(
        Path path,
        String name,
        String uploadId,
        long size,
        int numParts,
        FileChannel file,
        PartQueue queue,
        Progress progress,
        Options options) {
      this.path = path;
      this.name = name;
      this.uploadId = uploadId;
      this.size = size;
      this.numParts = numParts;
      this.skipped = numParts - queue.waiting();
      this.file = file;
      this.queue = queue;
      this.progress = progress;
      this.options = options;
    }
  }

  /** Uploads one file; returns what {@code --json} prints about it. */
  Map<String, Object> upload(Path path, Options options) {
    if (!Files.isRegularFile(path)) {
      throw new CliFailure(
          ExitCode.NOT_FOUND,
          Files.isDirectory(path) ? path + " is a directory" : "no such file: " + path);
    }
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      throw new CliFailure(ExitCode.NOT_FOUND, "cannot read " + path + ": " + e.getMessage());
    }
    String name = options.name().orElse(path.getFileName().toString());
    String type = options.type().orElse(MediaTypes.of(name));
    long started = System.nanoTime();
    if (size == 0) {
      return empty(name, type, started);
    }

    if (options.resume()) {
      Optional<Map<?, ?>> completing = completing(name, size);
      if (completing.isPresent()) {
        return finishCompleting(path, name, size, completing.get(), options, started);
      }
    }

    Map<String, Object> initiate = new LinkedHashMap<>();
    initiate.put("filename", name);
    initiate.put("file_type", type);
    initiate.put("num_bytes", size);
    initiate.put("resume_if_started", options.resume());
    Map<String, Object> answer = api.postJson("files/uploads/initiate", initiate, "initiate");
    String uploadId = (String) answer.get("upload_id");
    int numParts = ((Number) answer.get("num_parts")).intValue();
    boolean resumed = Boolean.TRUE.equals(answer.get("is_resume"));
    boolean crc32c = "crc32c".equals(answer.get("integrity_algorithm"));
    String expiresAt = String.valueOf(answer.get("expires_at"));
    List<Part> parts = new ArrayList<>();
    for (Object p : (List<?>) answer.get("parts")) {
      parts.add(Part.of((Map<?, ?>) p));
    }
    long toSend = parts.stream().mapToLong(Part::length).sum();
    int skipped = numParts - parts.size();

    Progress progress = new Progress(name, size, numParts);
    progress.partsAlreadyDone(skipped, size - toSend);
    if (options.progress() != ProgressPrinter.Mode.NONE) {
      err.println(
          (resumed ? "resuming " : "uploading ")
              + name
              + " ("
              + ProgressFormat.bytes(size)
              + ", "
              + numParts
              + " parts"
              + (resumed ? ", " + skipped + " already stored" : "")
              + ") as "
              + uploadId);
    }
    try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
      Run run =
          new Run(
              path, name, uploadId, size, numParts, file, new PartQueue(parts), progress, options);
      Thread hook = new Thread(() -> interrupted(run, expiresAt), "interrupt");
      Runtime.getRuntime().addShutdownHook(hook);
      try (Checkpointer checkpointer = new Checkpointer(api, uploadId);
          ProgressPrinter printer =
              new ProgressPrinter(
                  progress, options.progress(), err, options.width(), options.intervalMillis())) {
        run.checkpointer = checkpointer;
        sendAll(run);
        String checksum = crc32c ? Crc32c.base64(wholeFileCrc(run)) : null;
        checkpointer.drain(10_000);
        progress.phase("completing");
        Map<String, Object> registered = complete(run, checksum);
        printer.close();
        return result(registered, run, resumed, skipped, started);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it reports
        }
      }
    } catch (IOException e) {
      throw new CliFailure(ExitCode.FAILED, "cannot read " + path + ": " + e.getMessage());
    }
  }

  /**
   * An empty file, which a multipart upload cannot take ({@code num_bytes} is 1 or more): the
   * simple upload, {@code POST /files}, one form part of no bytes.
   */
  private Map<String, Object> empty(String name, String type, long started) {
    String boundary = "files-cli-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    String quoted = name.replace("\\", "\\\\").replace("\"", "\\\"");
    String form =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + quoted
            + "\"\r\nContent-Type: "
            + type
            + "\r\n\r\n\r\n--"
            + boundary
            + "--\r\n";
    ApiClient.Answer answer =
        api.post(
            "files",
            "multipart/form-data; boundary=" + boundary,
            form.getBytes(StandardCharsets.UTF_8));
    Map<String, Object> stored = api.expectOk(answer, "upload").json();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("file_id", stored.get("file_id"));
    result.put("file_uid", stored.get("file_uid"));
    result.put("num_bytes", 0);
    result.put("upload_id", null);
    result.put("resumed", false);
    result.put("num_parts", 0);
    result.put("parts_skipped", 0);
    result.put("parts_sent", 0);
    result.put("put_requests", 0);
    result.put("retries", 0);
    result.put("seconds", (System.nanoTime() - started) / 1e9);
    return result;
  }

  /**
   * The upload of this name and size that an earlier run left {@code completing} (it was stopped
   * after sending the complete): {@code resume_if_started} only finds uploads in progress. (The
   * upload's view has no file type to compare.)
   */
  private Optional<Map<?, ?>> completing(String name, long size) {
    Map<String, Object> page =
        api.getJson("files/uploads?status=completing&limit=1000", "unfinished uploads");
    Object uploads = page.get("uploads");
    if (!(uploads instanceof List<?> list)) {
      return Optional.empty();
    }
    for (Object item : list) {
      if (item instanceof Map<?, ?> upload
          && name.equals(upload.get("file_name"))
          && upload.get("total_bytes") instanceof Number bytes
          && bytes.longValue() == size) {
        return Optional.of(upload);
      }
    }
    return Optional.empty();
  }

  /** Sends the complete of an upload an earlier run left completing again, until the file. */
  private Map<String, Object> finishCompleting(
      Path path, String name, long size, Map<?, ?> upload, Options options, long started) {
    String uploadId = (String) upload.get("upload_id");
    int numParts = ((Number) upload.get("num_parts")).intValue();
    if (options.progress() != ProgressPrinter.Mode.NONE) {
      err.println(
          "completing "
              + name
              + ": upload "
              + uploadId
              + " was being completed when the last run stopped");
    }
    Progress progress = new Progress(name, size, numParts);
    progress.partsAlreadyDone(numParts, size);
    try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
        Checkpointer checkpointer = new Checkpointer(api, uploadId);
        ProgressPrinter printer =
            new ProgressPrinter(
                progress, options.progress(), err, options.width(), options.intervalMillis())) {
      Run run =
          new Run(
              path,
              name,
              uploadId,
              size,
              numParts,
              file,
              new PartQueue(List.of()),
              progress,
              options);
      run.checkpointer = checkpointer;
      progress.phase("completing");
      Map<String, Object> registered = complete(run, null);
      printer.close();
      return result(registered, run, true, numParts, started);
    } catch (IOException e) {
      throw new CliFailure(ExitCode.FAILED, "cannot read " + path + ": " + e.getMessage());
    }
  }

  private static Map<String, Object> result(
      Map<String, Object> registered, Run run, boolean resumed, int skipped, long started) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("file_id", registered.get("file_id"));
    result.put("file_uid", registered.get("file_uid"));
    result.put("num_bytes", registered.get("num_bytes"));
    result.put("upload_id", run.uploadId);
    result.put("resumed", resumed);
    result.put("num_parts", run.numParts);
    result.put("parts_skipped", skipped);
    result.put("parts_sent", run.tokens.size());
    result.put("put_requests", run.putRequests.get());
    result.put("retries", run.retries.get());
    if (registered.get("checksum") != null) {
      result.put("checksum", registered.get("checksum"));
    }
    result.put("seconds", (System.nanoTime() - started) / 1e9);
    return result;
  }

  /** Ctrl+C (or SIGTERM): record what is done, and say how to go on. */
  private void interrupted(Run run, String expiresAt) {
    Main.INTERRUPTED.set(true);
    run.queue.stop();
    if (run.checkpointer != null) {
      run.checkpointer.drain(3_000);
    }
    int stored = run.skipped + (run.checkpointer == null ? 0 : run.checkpointer.checkpointed());
    StringBuilder again = new StringBuilder("files upload ");
    if (run.options.name().isPresent()) {
      again.append("--name ").append(Main.shellQuote(run.name)).append(' ');
    }
    again.append(Main.shellQuote(run.path.toString()));
    err.println();
    err.println(
        "files: interrupted; "
            + stored
            + " of "
            + run.numParts
            + " parts of "
            + run.name
            + " are stored and upload "
            + run.uploadId
            + " stays resumable until "
            + expiresAt
            + ". Resume with: "
            + again
            + " (give up with: files abort "
            + run.uploadId
            + ")");
    err.flush();
  }

  private void sendAll(Run run) {
    int threads = Math.max(1, Math.min(run.options.parallel(), run.queue.waiting()));
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread worker = new Thread(() -> work(run), "part-" + i);
      worker.setDaemon(true);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliFailure(ExitCode.INTERRUPTED, "interrupted");
      }
    }
    if (run.failure != null) {
      run.checkpointer.drain(5_000);
      throw new CliFailure(
          run.failure.exitCode,
          run.failure.getMessage()
              + "; the upload stays resumable: run the same command again to continue");
    }
    if (run.queue.stopped()) {
      throw new CliFailure(ExitCode.INTERRUPTED, "interrupted");
    }
  }

  private void work(Run run) {
    Part part;
    while ((part = run.queue.next()) != null) {
      run.progress.partStarted();
      boolean sent = false;
      try {
        String token = send(run, part);
        run.tokens.put(part.number(), token);
        run.checkpointer.add(part.number(), token);
        sent = true;
      } catch (CliFailure e) {
        if (run.failure == null) {
          run.failure = e;
        }
        run.queue.stop();
      } catch (RuntimeException e) {
        if (run.failure == null) {
          run.failure = new CliFailure(ExitCode.FAILED, "part " + part.number() + ": " + e);
        }
        run.queue.stop();
      } finally {
        run.progress.partEnded(sent);
        run.queue.done();
      }
    }
  }

  /** Whether a part URL is Azure's Put Block, which answers without an ETag. */
  static boolean isAzureBlock(String url) {
    return url.matches(".*[?&]comp=block(&.*)?");
  }

  /** PUTs one part until the store takes it; returns its ETag ("" on Azure). */
  private String send(Run run, Part part) {
    Part current = part;
    int attempt = 0;
    while (true) {
      attempt++;
      if (run.queue.stopped() && run.failure != null) {
        throw run.failure;
      }
      if (current.expiresAt().isBefore(Instant.now().plus(URL_MARGIN))) {
        current = freshUrl(run, current);
      }
      PartPut put =
          new PartPut(
              run.file, current.offset(), current.length(), run.options.rateLimit(), run.progress);
      run.putRequests.incrementAndGet();
      String problem;
      Optional<Duration> retryAfter = Optional.empty();
      try {
        PartPut.Answer answer = put.send(URI.create(current.url()), partTimeout(current.length()));
        int status = answer.status();
        if (status / 100 == 2) {
          Optional<String> etag = answer.etag();
          if (etag.isEmpty() && isAzureBlock(current.url())) {
            etag = Optional.of(""); // Azure's Put Block answers none: the token is empty
          }
          if (etag.isEmpty()) {
            throw new CliFailure(
                ExitCode.STORE_REFUSED,
                "the store answered part " + part.number() + " without an ETag");
          }
          run.crcs.put(current.offset(), new long[] {current.length(), put.crc()});
          return etag.get();
        }
        put.uncount();
        problem = "HTTP " + status + storeCode(answer.body());
        if (status == 403) {
          current = freshUrl(run, current);
        } else if (!(status >= 500 || status == 408 || status == 429)) {
          throw new CliFailure(
              ExitCode.STORE_REFUSED, "the store refused part " + part.number() + ": " + problem);
        }
        retryAfter = Backoff.retryAfter(answer.retryAfter());
      } catch (IOException e) {
        put.uncount();
        problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
      if (!backoff.again(attempt)) {
        throw new CliFailure(
            problem.startsWith("HTTP 403") ? ExitCode.STORE_REFUSED : ExitCode.FAILED,
            "part " + part.number() + " failed " + attempt + " times, last: " + problem);
      }
      run.retries.incrementAndGet();
      Backoff.sleep(backoff.delay(attempt, retryAfter, ThreadLocalRandom.current()::nextDouble));
    }
  }

  /** A part's PUT may take 60 s plus its bytes at 256 KiB/s (8 MiB: 92 s). */
  static Duration partTimeout(long length) {
    return Duration.ofSeconds(60 + length / (256 * 1024));
  }

  /** The store's error code from its XML answer, e.g. {@code " AccessDenied"}. */
  private static String storeCode(String body) {
    if (body == null) {
      return "";
    }
    int start = body.indexOf("<Code>");
    int end = body.indexOf("</Code>");
    return start >= 0 && end > start ? " " + body.substring(start + 6, end) : "";
  }

  /**
   * A fresh URL for this part, fetched together with those of the waiting parts that expire soon,
   * in one {@code parts/urls} call.
   */
  private Part freshUrl(Run run, Part part) {
    synchronized (run.refreshLock) {
      List<Integer> numbers = new ArrayList<>();
      numbers.add(part.number());
      numbers.addAll(run.queue.expiringBefore(Instant.now().plus(URL_BATCH_MARGIN), 999));
      List<Part> fresh = urls(run.uploadId, numbers);
      run.queue.refreshed(fresh.subList(1, fresh.size()));
      return part.withUrl(fresh.get(0));
    }
  }

  private List<Part> urls(String uploadId, List<Integer> numbers) {
    Map<String, Object> answer =
        api.postJson(
            "files/uploads/" + ApiClient.segment(uploadId) + "/parts/urls",
            Map.of("part_numbers", numbers),
            "fresh part URLs");
    List<Part> parts = new ArrayList<>();
    for (Object p : (List<?>) answer.get("parts")) {
      parts.add(Part.of((Map<?, ?>) p));
    }
    return parts;
  }

  /**
   * The whole file's CRC32C: the parts sent in this run were hashed as they were read; the ranges
   * stored by an earlier run are read again here (locally, not sent).
   */
  private int wholeFileCrc(Run run) {
    TreeMap<Long, long[]> ranges = new TreeMap<>(run.crcs);
    int crc = 0;
    long position = 0;
    while (position < run.size) {
      long[] sent = ranges.get(position);
      long length;
      int rangeCrc;
      if (sent != null) {
        length = sent[0];
        rangeCrc = (int) sent[1];
      } else {
        Long nextSent = ranges.ceilingKey(position);
        long end = nextSent == null ? run.size : nextSent;
        length = end - position;
        rangeCrc = localCrc(run.file, position, length);
      }
      crc = position == 0 ? rangeCrc : Crc32c.combine(crc, rangeCrc, length);
      position += length;
    }
    return crc;
  }

  private static int localCrc(FileChannel file, long offset, long length) {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    long position = offset;
    long end = offset + length;
    try {
      while (position < end) {
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), end - position));
        int n = file.read(buffer, position);
        if (n < 0) {
          throw new CliFailure(ExitCode.FAILED, "the file became shorter while it was read");
        }
        buffer.flip();
        crc.update(buffer);
        position += n;
      }
    } catch (IOException e) {
      throw new CliFailure(ExitCode.FAILED, "cannot read the file: " + e.getMessage());
    }
    return (int) crc.getValue();
  }

  /**
   * Completes, as the service documents: {@code 202} (still assembling) and {@code 503} are sent
   * again after {@code Retry-After}; parts the store does not hold as given ({@code invalid_part},
   * {@code missing_parts}) are sent again, then the complete.
   */
  private Map<String, Object> complete(Run run, String checksum) {
    String path = "files/uploads/" + ApiClient.segment(run.uploadId) + "/complete";
    Instant giveUp = Instant.now().plus(COMPLETE_PATIENCE);
    int repairs = 0;
    while (true) {
      List<Map<String, Object>> parts = new ArrayList<>();
      new TreeMap<>(run.tokens)
          .forEach(
              (number, token) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("part_number", number);
                entry.put("part_token", token);
                parts.add(entry);
              });
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("parts", parts);
      if (checksum != null) {
        body.put("integrity_checksum", checksum);
      }
      ApiClient.Answer answer = api.send("POST", path, body, "complete");
      int status = answer.status();
      if (status == 200 || status == 201) {
        return answer.json();
      }
      if (status == 202 && Instant.now().isBefore(giveUp)) {
        run.progress.phase("assembling");
        Backoff.sleep(
            Backoff.retryAfter(answer.header("Retry-After")).orElse(Duration.ofSeconds(1)));
        continue;
      }
      ApiClient.Problem problem = ApiClient.Problem.of(answer);
      if (status == 400
          && ("invalid_part".equals(problem.code()) || "missing_parts".equals(problem.code()))
          && !problem.parts().isEmpty()
          && repairs < COMPLETE_REPAIRS) {
        repairs++;
        List<Integer> numbers = new ArrayList<>();
        problem.parts().forEach(n -> numbers.add(((Number) n).intValue()));
        run.progress.phase("");
        resend(run, urls(run.uploadId, numbers));
        continue;
      }
      throw api.failure(answer, "complete");
    }
  }

  private void resend(Run run, List<Part> parts) {
    for (Part part : parts) {
      run.progress.addBytes(-part.length());
    }
    Run again =
        new Run(
            run.path,
            run.name,
            run.uploadId,
            run.size,
            run.numParts,
            run.file,
            new PartQueue(parts),
            run.progress,
            run.options);
    again.checkpointer = run.checkpointer;
    sendAll(again);
    run.tokens.putAll(again.tokens);
    run.crcs.putAll(again.crcs);
    run.putRequests.addAndGet(again.putRequests.get());
    run.retries.addAndGet(again.retries.get());
  }
}
