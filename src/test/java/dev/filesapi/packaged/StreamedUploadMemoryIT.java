package dev.filesapi.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.filesapi.embedded.EmbeddedDatabase;
import dev.filesapi.embedded.EmbeddedStore;
import dev.filesapi.support.PackagedApp;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The simple uploads at their size limit through the packaged application on a 96 MiB heap (issue
 * 25 item 5): a 512 MB form and the 683 MB base64 form of 512 MB are streamed to the store (they
 * could not be held in that heap) and read back identical, nothing is written to the uploads
 * directory or the temporary directory, the source client's 524 MB form is refused from its
 * headers, a chunked form that grows past 512 MB is refused as soon as it does and leaves nothing
 * in the store, and the service is alive afterwards.
 */
@Tag("long")
class StreamedUploadMemoryIT {
  private static final String API_KEY = "fk_live_streamed" + "0".repeat(32);
  private static final String BUCKET = "streamed";
  private static final long LIMIT = 512_000_000L;
  private static final int BLOCK = 1_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static Path work;
  private static Path uploads;
  private static Path tmp;
  private static EmbeddedDatabase database;
  private static EmbeddedStore store;
  private static PackagedApp app;
  private static URI base;

  @BeforeAll
  static void startTheServiceOnA96MiBHeap() throws Exception {
    work = Files.createTempDirectory(Path.of("target"), "streamed-it-");
    uploads = Files.createDirectories(work.resolve("uploads"));
    tmp = Files.createDirectories(work.resolve("tmp"));
    database = EmbeddedDatabase.start(Optional.empty());
    store =
        EmbeddedStore.onDisk(
                Files.createDirectories(work.resolve("store")),
                "streamed-access",
                "streamed-secret")
            .start(0, BUCKET);
    List<String> options = new ArrayList<>();
    options.add("-Xmx96m");
    options.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
    options.add("-Dquarkus.http.body.uploads-directory=" + uploads.toAbsolutePath());
    options.addAll(PackagedApp.databaseSettings(database));
    options.addAll(PackagedApp.storeSettings(store, BUCKET));
    options.add("-Dfiles.bootstrap.api-key=" + API_KEY);
    options.add("-Dquarkus.log.console.json.enabled=false");
    app = PackagedApp.start("streamed-upload-", options);
    base = app.awaitReady(Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      PackagedApp.closeAll(app, store, database);
    } finally {
      deleteTree(work);
    }
  }

  @Test
  void a512MbFormIsStreamedToTheStoreNothingSpooled() throws Exception {
    String name = "simple-" + UUID.randomUUID() + ".bin";
    String boundary = "it-" + UUID.randomUUID();
    byte[] head = partHead(boundary, name);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    MessageDigest sent = sha256();
    List<Long> spooled = new ArrayList<>();

    Answer answer =
        send(
            "/v1/files",
            boundary,
            "Content-Length: " + (head.length + LIMIT + tail.length),
            out -> {
              out.write(head);
              writeContent(new DigestOutputStream(out, sent), spooled);
              out.write(tail);
            });

    assertAccepted(answer, name, spooled);
    assertThat(download(name)).isEqualTo(HexFormat.of().formatHex(sent.digest()));
  }

  @Test
  void theBase64FormOf512MbIsDecodedAndStreamedToTheStore() throws Exception {
    String name = "base64-" + UUID.randomUUID() + ".bin";
    String boundary = "it-" + UUID.randomUUID();
    byte[] head = partHead(boundary, name);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    long text = 4 * ((LIMIT + 2) / 3);
    MessageDigest sent = sha256();
    List<Long> spooled = new ArrayList<>();

    Answer answer =
        send(
            "/v1/files/base64",
            boundary,
            "Content-Length: " + (head.length + text + tail.length),
            out -> {
              out.write(head);
              OutputStream socket = out;
              OutputStream encoder =
                  Base64.getEncoder()
                      .wrap(
                          new FilterOutputStream(socket) {
                            @Override
                            public void write(byte[] b, int off, int len) throws IOException {
                              socket.write(b, off, len);
                            }

                            @Override
                            public void close() {
                              // the socket stays open for the tail and the answer
                            }
                          });
              writeContent(new DigestOutputStream(encoder, sent), spooled);
              encoder.close();
              out.write(tail);
            });

    assertAccepted(answer, name, spooled);
    assertThat(download(name)).isEqualTo(HexFormat.of().formatHex(sent.digest()));
  }

  /** The source client's test_file_upload_xl_file_fails: 500 MiB in a form, 413 at once. */
  @Test
  void theSourceClients524MbFormIsRefusedFromItsHeaders() throws Exception {
    String boundary = "it-" + UUID.randomUUID();
    long declared = 524_288_000L + 200;

    Answer answer = send("/v1/files", boundary, "Content-Length: " + declared, out -> out.flush());

    assertThat(answer.status()).as(answer.body()).isEqualTo(413);
    assertThat(answer.json().path("code").asText()).isEqualTo("invalid_file_size");
    assertServiceAlive();
  }

  @Test
  void aChunkedFormThatGrowsPast512MbIsRefusedAsSoonAsItDoesAndLeavesNothing() throws Exception {
    String boundary = "it-" + UUID.randomUUID();
    byte[] head = partHead(boundary, "endless-" + UUID.randomUUID() + ".bin");
    List<String> objectsBefore = objects();
    long[] written = new long[1];

    Answer answer =
        send(
            "/v1/files",
            boundary,
            "Transfer-Encoding: chunked",
            out -> {
              chunk(out, head, head.length);
              byte[] block = block();
              try {
                // Never ends by itself: only the server's refusal stops it.
                while (true) {
                  chunk(out, block, BLOCK);
                  written[0] += BLOCK;
                }
              } catch (IOException refused) {
                // the server answered and closed the connection
              }
            });

    assertThat(answer.status()).as(answer.body()).isEqualTo(413);
    assertThat(answer.json().path("code").asText()).isEqualTo("invalid_file_size");
    assertThat(written[0]).isGreaterThan(LIMIT);
    assertThat(store.blobStore().listMultipartUploads(BUCKET)).isEmpty();
    assertThat(objects()).isEqualTo(objectsBefore);
    assertServiceAlive();
  }

  // ---------------------------------------------------------------- helpers

  private void assertAccepted(Answer answer, String name, List<Long> spooled) throws Exception {
    assertThat(answer.status()).as(answer.body() + "\n" + app.report()).isEqualTo(200);
    assertThat(answer.json().path("file_id").asText()).isEqualTo(name);
    assertThat(spooled).hasSizeGreaterThan(3).containsOnly(0L);
    assertThat(filesIn(uploads) + filesIn(tmp)).isZero();
    HttpResponse<String> record =
        HTTP.send(
            authorized("/v1/files/metadata/" + name).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(record.body()).path("num_bytes").asLong()).isEqualTo(LIMIT);
    System.out.printf(
        "StreamedUploadMemoryIT: %s stored on a 96 MiB heap; service peak RSS %s%n",
        name, peakRss());
    assertServiceAlive();
  }

  private void assertServiceAlive() throws Exception {
    assertThat(app.process().isAlive()).as(app.report()).isTrue();
    HttpResponse<Void> ready =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(ready.statusCode()).isEqualTo(200);
  }

  /** 512 blocks of 1,000,000 bytes, each numbered; looks at the spool directories every 128. */
  private static void writeContent(OutputStream out, List<Long> spooled) throws IOException {
    byte[] block = block();
    for (int i = 0; i < LIMIT / BLOCK; i++) {
      block[0] = (byte) i;
      block[1] = (byte) (i >> 8);
      out.write(block);
      if (i % 128 == 127) {
        spooled.add(filesIn(uploads) + filesIn(tmp));
      }
    }
  }

  private static byte[] block() {
    byte[] block = new byte[BLOCK];
    new Random(25).nextBytes(block);
    return block;
  }

  /** The SHA-256 of the stored object, read through the download's presigned URL. */
  private static String download(String name) throws Exception {
    HttpResponse<Void> redirect =
        HTTP.send(
            authorized("/v1/files/download/" + name).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(redirect.statusCode()).isEqualTo(302);
    URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    HttpResponse<InputStream> object =
        HTTP.send(
            HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(object.statusCode()).isEqualTo(200);
    MessageDigest digest = sha256();
    try (InputStream in = object.body()) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + API_KEY);
  }

  @FunctionalInterface
  private interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private record Answer(int status, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  /**
   * POSTs a request head and what {@code body} writes, on another thread, while this one reads the
   * answer (which may come before the body is all sent).
   */
  private static Answer send(String path, String boundary, String framing, Body body)
      throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(300_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + API_KEY
                  + "\r\nContent-Type: multipart/form-data; boundary="
                  + boundary
                  + "\r\n"
                  + framing
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      Thread writer =
          new Thread(
              () -> {
                try {
                  body.writeTo(out);
                  out.flush();
                } catch (IOException closed) {
                  // the server answered before the body was all sent, and closed the connection
                }
              });
      writer.start();
      byte[] all = socket.getInputStream().readAllBytes();
      writer.join(60_000);
      String text = new String(all, StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(split + 4));
    }
  }

  private static void chunk(OutputStream out, byte[] bytes, int length) throws IOException {
    out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes, 0, length);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] partHead(String boundary, String name) {
    return ("--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + name
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> objects() {
    // Blobs only: the filesystem store lists the directories its keys made too.
    return store.blobStore().list(BUCKET, ListContainerOptions.Builder.recursive()).stream()
        .filter(metadata -> metadata.getType() == StorageType.BLOB)
        .map(StorageMetadata::getName)
        .sorted()
        .toList();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long filesIn(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** VmHWM of the service process, from /proc (Linux). */
  private static String peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + app.process().pid() + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring("VmHWM:".length()).trim();
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
