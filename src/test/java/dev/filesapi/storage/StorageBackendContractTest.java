package dev.filesapi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.support.FreezableProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link StorageBackend} passes, against a real server. A backend's test class
 * only wires its server; where the server (not the backend) differs from the real store, the class
 * pins the difference by overriding the test and asserting the failure, so it shows when the server
 * is fixed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StorageBackendContractTest {
  protected static final int MIB = 1024 * 1024;
  private static final Duration TTL = Duration.ofMinutes(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The backend under test, talking to a running server. */
  protected abstract StorageBackend backend();

  /** The same backend pointed at a port where nothing listens. */
  protected abstract StorageBackend unreachableBackend();

  /** The same backend, its bucket one that does not exist. */
  protected abstract StorageBackend missingBucketBackend();

  /** The same backend at another endpoint, keeping to these deadlines. */
  protected abstract StorageBackend backendAt(String endpoint, StoreDeadlines deadlines);

  /**
   * The port on 127.0.0.1 of the server {@link #backend()} talks to, for a relay in front of it; -1
   * when the store is not local (real GCS).
   */
  protected int localStorePort() {
    return -1;
  }

  /** The store's error code for a bucket (container) that does not exist. */
  protected String missingBucketCode() {
    return "NoSuchBucket";
  }

  /** A fresh key per test, with characters that need encoding in URLs. */
  protected String newKey() {
    return "orgs/org 1/files/f+&ü-" + UUID.randomUUID();
  }

  @Test
  void beginStartsAnUploadWithNoParts() {
    String key = newKey();
    String uploadId = backend().begin(key, "application/octet-stream");

    assertThat(uploadId).isNotBlank();
    assertThat(backend().listParts(key, uploadId)).isEmpty();
    backend().abort(key, uploadId);
  }

  @Test
  void presignedPartsAcceptPlainPutsAndAreListedZeroBased() throws Exception {
    String key = newKey();
    String uploadId = backend().begin(key, "application/octet-stream");
    byte[] first = bytes(5 * MIB, 1);
    byte[] second = bytes(1000, 2);

    Map<Integer, PresignedUrl> urls = backend().presignParts(key, uploadId, List.of(0, 1), TTL);
    String token0 = put(urls.get(0).url(), first);
    String token1 = put(urls.get(1).url(), second);

    assertThat(urls.get(0).expiresAt()).isAfter(java.time.Instant.now());
    assertThat(backend().listParts(key, uploadId))
        .extracting(StoredPart::partNumber, p -> unquoted(p.token()), StoredPart::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, unquoted(token0), (long) first.length),
            org.assertj.core.groups.Tuple.tuple(1, unquoted(token1), (long) second.length));
    backend().abort(key, uploadId);
  }

  /** Whether the backend under test signs part URLs on read ({@link StorageBackend#partSigner}). */
  protected boolean signsPartsOnRead() {
    return true;
  }

  @Test
  void partSignerSignsWhatPresignPartsSignsAndTheStoreAcceptsIt() throws Exception {
    String key = newKey();
    String uploadId = backend().begin(key, "application/octet-stream");
    Optional<StorageBackend.PartSigner> signer = backend().partSigner(key, uploadId, TTL);
    assertThat(signer.isPresent()).isEqualTo(signsPartsOnRead());
    if (signer.isEmpty()) {
      backend().abort(key, uploadId);
      return;
    }
    PresignedUrl url = signer.get().sign(1);
    Map<Integer, PresignedUrl> presigned = backend().presignParts(key, uploadId, List.of(1), TTL);
    if (presigned.get(1).expiresAt().equals(url.expiresAt())) { // same second: same signature
      assertThat(url).isEqualTo(presigned.get(1));
    }
    assertThat(signer.get().sign(1)).isEqualTo(url);
    String token = put(url.url(), bytes(10, 9));

    assertThat(backend().listParts(key, uploadId))
        .extracting(StoredPart::partNumber, p -> unquoted(p.token()))
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, unquoted(token)));
    backend().abort(key, uploadId);
  }

  @Test
  void completeAssemblesThePartsInOrder() throws Exception {
    byte[] first = bytes(5 * MIB, 3);
    byte[] second = bytes(4321, 4);
    String key = uploaded(first, second);

    Optional<ObjectStat> stat = backend().stat(key);
    assertThat(stat).isPresent();
    assertThat(stat.get().size()).isEqualTo(first.length + second.length);
    assertThat(download(backend().presignDownload(key, TTL, "attachment; filename=\"a.bin\"")))
        .isEqualTo(concat(first, second));
  }

  @Test
  protected void statReportsTheCrc32cWhereTheBackendDeclaresIt() throws Exception {
    byte[] first = bytes(5 * MIB, 5);
    byte[] second = bytes(77, 6);
    String key = uploaded(first, second);

    Optional<String> crc32c = backend().stat(key).orElseThrow().crc32c();
    if (backend().capabilities().integrityAlgorithm() == IntegrityAlgorithm.CRC32C) {
      assertThat(crc32c).contains(crc32c(concat(first, second)));
    } else {
      assertThat(crc32c).isEmpty();
    }
  }

  /**
   * A store that answers part tokens names the part whose token it does not hold; one that answers
   * none ({@code partTokens} false: Azure) names a part it never received.
   */
  @Test
  void completeWithAWrongTokenNamesThePart() throws Exception {
    String key = newKey();
    String uploadId = backend().begin(key, "application/octet-stream");
    Map<Integer, PresignedUrl> urls = backend().presignParts(key, uploadId, List.of(0, 1), TTL);
    String token0 = put(urls.get(0).url(), bytes(5 * MIB, 7));
    if (backend().capabilities().partTokens()) {
      put(urls.get(1).url(), bytes(10, 8));
    }

    assertThatThrownBy(
            () ->
                backend()
                    .complete(
                        key,
                        uploadId,
                        List.of(
                            new PartToken(0, token0),
                            new PartToken(1, "\"0123456789abcdef0123456789abcdef\""))))
        .isInstanceOfSatisfying(
            InvalidPartsException.class, e -> assertThat(e.partNumbers()).containsExactly(1));
    backend().abort(key, uploadId);
  }

  @Test
  protected void anAbortedUploadIsForgotten() {
    String key = newKey();
    String uploadId = backend().begin(key, "application/octet-stream");

    backend().abort(key, uploadId);

    assertThatThrownBy(() -> backend().listParts(key, uploadId))
        .isInstanceOf(NoSuchUploadException.class);
    backend().abort(key, uploadId); // aborting again is not an error
  }

  @Test
  void deleteRemovesTheObjectAndAbsentObjectsAreFine() throws Exception {
    String key = uploaded(bytes(10, 9));

    backend().delete(key);

    assertThat(backend().stat(key)).isEmpty();
    backend().delete(key);
  }

  @Test
  void putAndOpenWholeObjects() throws Exception {
    String key = newKey();
    byte[] content = bytes(3000, 10);
    backend().put(key, "text/plain", content, content.length);
    try (InputStream in = backend().open(key)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(backend().stat(key).orElseThrow().size()).isEqualTo(content.length);
    backend().checkReachable();
  }

  /** The streamed simple upload's calls: a buffer's first bytes as an object, or as parts. */
  @Test
  void objectsAndPartsFromMemoryTakeOnlyTheBuffersFilledBytes() throws Exception {
    byte[] buffer = bytes(6 * MIB, 12);
    String whole = newKey();
    backend().put(whole, "application/octet-stream", buffer, 3000);
    try (InputStream in = backend().open(whole)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOf(buffer, 3000));
    }

    String key = newKey();
    String uploadId = backend().begin(key, "application/octet-stream");
    String first = backend().putPart(key, uploadId, 0, buffer, 5 * MIB);
    String second = backend().putPart(key, uploadId, 1, bytes(MIB, 13), 777);
    assertThat(backend().listParts(key, uploadId))
        .extracting(StoredPart::partNumber)
        .containsExactly(0, 1);
    backend().complete(key, uploadId, List.of(new PartToken(0, first), new PartToken(1, second)));
    try (InputStream in = backend().open(key)) {
      assertThat(in.readAllBytes())
          .isEqualTo(concat(Arrays.copyOf(buffer, 5 * MIB), Arrays.copyOf(bytes(MIB, 13), 777)));
    }
    backend().delete(whole);
    backend().delete(key);
  }

  @Test
  void anUnreachableStoreIsUnavailable() {
    StorageBackend unreachable = unreachableBackend();

    assertThatThrownBy(() -> unreachable.begin(newKey(), "text/plain"))
        .isInstanceOf(StorageUnavailableException.class);
    assertThatThrownBy(() -> unreachable.stat(newKey()))
        .isInstanceOf(StorageUnavailableException.class);
    assertThatThrownBy(unreachable::checkReachable).isInstanceOf(StorageUnavailableException.class);
  }

  /**
   * A store that accepts connections and never answers (a process under {@code kill -STOP}): every
   * call gives up by its deadline, as unavailable, instead of holding the request's thread.
   */
  @Test
  void aStoreThatStopsAnsweringIsUnavailableByTheDeadline() throws Exception {
    try (FreezableProxy silent = FreezableProxy.start(StorageBackendContractTest::closedPort)) {
      silent.freeze();
      StorageBackend hung = backendAt(silent.endpoint(), TestDeadlines.SHORT);
      Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
      calls.put("begin", () -> hung.begin(newKey(), "text/plain"));
      calls.put("listParts", () -> hung.listParts(newKey(), "some-upload"));
      calls.put(
          "complete",
          () -> hung.complete(newKey(), "some-upload", List.of(new PartToken(0, "\"etag\""))));
      calls.put("abort", () -> hung.abort(newKey(), "some-upload"));
      calls.put("stat", () -> hung.stat(newKey()));
      calls.put("open", () -> hung.open(newKey()).close());
      calls.put("put", () -> hung.put(newKey(), "text/plain", new byte[0], 0));
      calls.put("delete", () -> hung.delete(newKey()));
      calls.put("checkReachable", hung::checkReachable);

      calls.forEach(
          (name, call) -> {
            long started = System.nanoTime();
            assertThatThrownBy(call).as(name).isInstanceOf(StorageUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as(name + " gave up after")
                .isLessThan(Duration.ofSeconds(5));
          });
    }
  }

  /**
   * A complete's deadline grows with the bytes (issue 24): a store that copies the parts to
   * assemble the object answers late, and that is not an outage. Through a relay that holds the
   * complete's answer for 2 s: the deadline by parts alone (1 s here) gives up; the one by bytes (1
   * s of control plus 5 MiB at 1 MiB/s) waits for the answer.
   */
  @Test
  void aCompleteMayTakeAsLongAsItsBytesNeed() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(localStorePort() > 0, "the store is not local");
    StoreDeadlines slowAssembly =
        new StoreDeadlines(
            Duration.ofSeconds(1),
            Duration.ofMillis(500),
            Duration.ofMillis(1),
            Duration.ofSeconds(60),
            100L * MIB,
            MIB);
    try (FreezableProxy relay = FreezableProxy.start(this::localStorePort)) {
      StorageBackend relayed = backendAt(relay.endpoint(), slowAssembly);
      relay.delayCompleteAnswers(Duration.ofSeconds(2));
      byte[] first = bytes(5 * MIB, 7);
      byte[] second = bytes(1000, 8);

      String cutKey = newKey();
      String cutUpload = relayed.begin(cutKey, "application/octet-stream");
      List<PartToken> cutTokens = putParts(relayed, cutKey, cutUpload, first, second);
      assertThatThrownBy(() -> relayed.complete(cutKey, cutUpload, cutTokens))
          .isInstanceOf(StorageUnavailableException.class);

      String key = newKey();
      String uploadId = relayed.begin(key, "application/octet-stream");
      List<PartToken> tokens = putParts(relayed, key, uploadId, first, second);
      relayed.complete(key, uploadId, tokens, first.length + second.length);

      assertThat(relay.completesHeld()).isEqualTo(2);
      assertThat(backend().stat(key).map(ObjectStat::size))
          .contains((long) first.length + second.length);
    }
  }

  private List<PartToken> putParts(
      StorageBackend backend, String key, String uploadId, byte[]... parts) throws Exception {
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      numbers.add(i);
    }
    Map<Integer, PresignedUrl> urls = backend.presignParts(key, uploadId, numbers, TTL);
    List<PartToken> tokens = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      tokens.add(new PartToken(i, put(urls.get(i).url(), parts[i])));
    }
    return tokens;
  }

  /** Retrying cannot create a bucket: a refusal for an operator, not an outage to wait out. */
  @Test
  void aMissingBucketIsARefusalNotAnOutage() throws Exception {
    StorageBackend missing = missingBucketBackend();

    assertThatThrownBy(() -> missing.begin(newKey(), "text/plain"))
        .isInstanceOfSatisfying(
            StorageRejectedException.class,
            e -> assertThat(e.errorCode()).isEqualTo(missingBucketCode()));
    assertThatThrownBy(() -> missing.abort(newKey(), "no-such-upload"))
        .isInstanceOf(StorageRejectedException.class);
    assertThatThrownBy(missing::checkReachable).isInstanceOf(StorageRejectedException.class);
    assertThatThrownBy(() -> missing.put(newKey(), "text/plain", new byte[0], 0))
        .isInstanceOf(StorageRejectedException.class);
  }

  // ---- helpers ----

  /** Uploads the given parts through presigned URLs and completes; returns the key. */
  protected String uploaded(byte[]... parts) throws Exception {
    String key = newKey();
    String uploadId = backend().begin(key, "application/octet-stream");
    backend().complete(key, uploadId, putParts(backend(), key, uploadId, parts));
    return key;
  }

  /**
   * A plain PUT to the URL as returned, as the source API's client sends it; answers the token. A
   * store that answers part tokens takes it with {@code 200} and its ETag; one that answers none
   * (Azure's Put Block) with {@code 201} and no ETag, the token then being "" as the client reads
   * it.
   */
  protected String put(String url, byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Optional<String> etag = response.headers().firstValue("ETag");
    if (backend().capabilities().partTokens()) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return etag.orElseThrow();
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(etag).isEmpty();
    return "";
  }

  protected static byte[] download(URI url) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  protected static byte[] bytes(int size, int seed) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) seed);
    for (int i = 0; i < size; i += 4099) {
      bytes[i] = (byte) (i * 31 + seed);
    }
    return bytes;
  }

  protected static String crc32c(byte[] content) {
    CRC32C crc = new CRC32C();
    crc.update(content);
    return Base64.getEncoder()
        .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A local port nothing listens on. */
  protected static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static String unquoted(String etag) {
    return PartToken.unquoted(etag);
  }
}
