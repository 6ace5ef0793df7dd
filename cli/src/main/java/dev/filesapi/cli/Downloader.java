package dev.filesapi.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * {@code files download}: the file's bytes into {@code PATH.part}, renamed to {@code PATH} once its
 * size (and CRC32C, where the service knows it) match. A broken transfer goes on from where it
 * stopped with a {@code Range} request, in the same run and in the next one (the {@code .part} file
 * stays).
 */
final class Downloader {
  private final ApiClient api;
  private final Backoff backoff;
  private final PrintStream err;

  /** A transfer that delivers no byte for this long is broken off and continued with a range. */
  static final Duration STALL = Duration.ofSeconds(60);

  private final Duration stall;

  Downloader(ApiClient api, Backoff backoff, PrintStream err) {
    this(api, backoff, err, STALL);
  }

  Downloader(ApiClient api, Backoff backoff, PrintStream err, Duration stall) {
    this.api = api;
    this.backoff = backoff;
    this.err = err;
    this.stall = stall;
  }

  Map<String, Object> download(
      String fileId,
      Optional<Path> target,
      RateLimit rateLimit,
      ProgressPrinter.Mode mode,
      int width,
      long intervalMillis) {
    Map<String, Object> record =
        api.getJson("files/metadata/" + ApiClient.segment(fileId), "file " + fileId);
    long size = ((Number) record.get("num_bytes")).longValue();
    Optional<String> expectedCrc = crc32c(record);
    String leaf = fileId.substring(fileId.lastIndexOf('/') + 1);
    Path path = target.orElse(Path.of(leaf.isEmpty() ? "download" : leaf));
    if (Files.isDirectory(path)) {
      path = path.resolve(leaf);
    }
    Path partial = path.resolveSibling(path.getFileName() + ".part");
    long started = System.nanoTime();
    Progress progress = new Progress(fileId, size, 1);
    try (FileChannel out =
        FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long have = out.size();
      if (have > size) {
        out.truncate(0);
        have = 0;
      }
      CRC32C crc = new CRC32C();
      if (have > 0 && expectedCrc.isPresent()) {
        hashExisting(out, have, crc);
      }
      long resumedAt = have;
      progress.addBytes(have);
      if (mode != ProgressPrinter.Mode.NONE) {
        err.println(
            "downloading "
                + fileId
                + " ("
                + ProgressFormat.bytes(size)
                + ") to "
                + path
                + (have > 0 ? ", going on from " + ProgressFormat.bytes(have) : ""));
      }
      try (ProgressPrinter printer =
          new ProgressPrinter(progress, mode, err, width, intervalMillis)) {
        progress.partStarted();
        int attempt = 0;
        String problem = null;
        while (have < size) {
          attempt++;
          try {
            long before = have;
            have = fetch(fileId, out, have, size, crc, progress, rateLimit);
            if (have > before) {
              attempt = 0; // progress was made: a fresh budget of attempts
            }
            if (have >= size) {
              break;
            }
            problem = "the connection ended early";
          } catch (IOException e) {
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            have = out.size();
          } catch (RetryableAnswer e) {
            problem = e.getMessage();
            have = out.size(); // the CRC holds exactly the bytes written: go on after them
          }
          if (!backoff.again(Math.max(attempt, 1))) {
            throw new CliFailure(
                ExitCode.FAILED,
                "download of " + fileId + " failed: " + problem + "; run it again to go on");
          }
          Backoff.sleep(
              backoff.delay(
                  Math.max(attempt, 1), Optional.empty(), ThreadLocalRandom.current()::nextDouble));
        }
        progress.partEnded(true);
      }
      out.force(false);
      if (out.size() != size) {
        throw new CliFailure(
            ExitCode.FAILED,
            "download of " + fileId + ": got " + out.size() + " bytes, expected " + size);
      }
      String actual = Crc32c.base64((int) crc.getValue());
      if (expectedCrc.isPresent() && !expectedCrc.get().equals(actual)) {
        Files.deleteIfExists(partial);
        throw new CliFailure(
            ExitCode.FAILED,
            "download of "
                + fileId
                + ": CRC32C "
                + actual
                + " differs from the file's "
                + expectedCrc.get()
                + "; the copy was deleted");
      }
      Files.move(partial, path, StandardCopyOption.REPLACE_EXISTING);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("file_id", fileId);
      result.put("path", path.toString());
      result.put("num_bytes", size);
      result.put("resumed_at", resumedAt);
      result.put("crc32c_checked", expectedCrc.isPresent());
      result.put("seconds", (System.nanoTime() - started) / 1e9);
      return result;
    } catch (IOException e) {
      throw new CliFailure(ExitCode.FAILED, "cannot write " + partial + ": " + e.getMessage());
    }
  }

  private static Optional<String> crc32c(Map<String, Object> record) {
    if (record.get("checksum") instanceof Map<?, ?> checksum
        && "crc32c".equals(checksum.get("algorithm"))
        && checksum.get("value") instanceof String value) {
      return Optional.of(value);
    }
    return Optional.empty();
  }

  private static void hashExisting(FileChannel file, long length, CRC32C crc) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    long position = 0;
    while (position < length) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), length - position));
      int n = file.read(buffer, position);
      if (n < 0) {
        break;
      }
      buffer.flip();
      crc.update(buffer);
      position += n;
    }
  }

  /** An answer worth another attempt (5xx, 403 of an expired URL, …). */
  private static final class RetryableAnswer extends Exception {
    RetryableAnswer(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * One request for the bytes from {@code have} on: asks the service for the download (a 302 to a
   * presigned GET, fetched without the key; or the bytes themselves), appends what arrives. Returns
   * the new length of the partial file.
   */
  private long fetch(
      String fileId,
      FileChannel out,
      long have,
      long size,
      CRC32C crc,
      Progress progress,
      RateLimit rateLimit)
      throws IOException, RetryableAnswer {
    URI service = api.uri("files/download/" + ApiClient.segment(fileId));
    Map<String, String> headers = api.authorized();
    if (have > 0) {
      headers.put("Range", "bytes=" + have + "-");
    }
    Http.Exchange response = send(service, headers);
    if (response.status() / 100 == 3) {
      Optional<String> location = response.header("Location");
      response.close();
      if (location.isEmpty()) {
        throw new CliFailure(ExitCode.FAILED, "the service's redirect has no Location");
      }
      Map<String, String> store = new LinkedHashMap<>();
      store.put("User-Agent", ApiClient.USER_AGENT);
      if (have > 0) {
        store.put("Range", "bytes=" + have + "-");
      }
      response = send(service.resolve(location.get()), store);
      if (response.status() == 403 || response.status() / 100 == 5) {
        response.close();
        throw new RetryableAnswer("the store answered HTTP " + response.status());
      }
      if (response.status() / 100 == 4 && response.status() != 416) {
        response.close();
        throw new CliFailure(
            ExitCode.STORE_REFUSED,
            "the store refused the download of " + fileId + ": HTTP " + response.status());
      }
    } else if (response.status() / 100 != 2) {
      String text = response.text();
      int status = response.status();
      if (status >= 500 || status == 429) {
        throw new RetryableAnswer("the service answered HTTP " + status);
      }
      throw api.failure(
          new ApiClient.Answer(status, response.headers(), text), "download " + fileId);
    }
    int status = response.status();
    if (status == 416) {
      response.close();
      return have;
    }
    if (status == 200 && have > 0) {
      // No range honoured: the whole file again from its start.
      out.truncate(0);
      crc.reset();
      progress.addBytes(-have);
      have = 0;
    } else if (status == 206) {
      String range = response.header("Content-Range").orElse("");
      if (!range.startsWith("bytes " + have + "-")) {
        response.close();
        throw new RetryableAnswer("unexpected Content-Range: " + range);
      }
    }
    // A read that waits longer than the stall ends with SocketTimeoutException (the connection's
    // read timeout): the next attempt goes on with a range.
    try (InputStream in = response.body()) {
      byte[] buffer = new byte[1 << 18];
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (have + n > size) {
          throw new CliFailure(
              ExitCode.FAILED, "download of " + fileId + ": more bytes than its " + size);
        }
        rateLimit.acquire(n);
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          have += out.write(chunk, have);
        }
        crc.update(buffer, 0, n);
        progress.addBytes(n);
      }
    } catch (SocketTimeoutException e) {
      throw new RetryableAnswer("no byte for " + stall.toSeconds() + " s");
    }
    return have;
  }

  private Http.Exchange send(URI uri, Map<String, String> headers) throws IOException {
    try {
      return Http.send("GET", uri, headers, null, stall);
    } catch (ConnectException e) {
      throw new CliFailure(
          ExitCode.UNREACHABLE, "cannot reach " + uri.getHost() + ": " + e.getMessage());
    }
  }
}
