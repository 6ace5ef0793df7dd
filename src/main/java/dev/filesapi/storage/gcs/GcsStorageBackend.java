package dev.filesapi.storage.gcs;

import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.Credentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.MultipartUploadClient;
import com.google.cloud.storage.MultipartUploadSettings;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.multipartupload.model.AbortMultipartUploadRequest;
import com.google.cloud.storage.multipartupload.model.CompleteMultipartUploadRequest;
import com.google.cloud.storage.multipartupload.model.CompletedMultipartUpload;
import com.google.cloud.storage.multipartupload.model.CompletedPart;
import com.google.cloud.storage.multipartupload.model.CreateMultipartUploadRequest;
import com.google.cloud.storage.multipartupload.model.ListPartsRequest;
import com.google.cloud.storage.multipartupload.model.ListPartsResponse;
import com.google.cloud.storage.multipartupload.model.Part;
import dev.filesapi.storage.BackendCapabilities;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.InvalidPartsException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.RejectedParts;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.StoreFailure;
import dev.filesapi.storage.StoredPart;
import dev.filesapi.storage.signing.SigV4QuerySigner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Google Cloud Storage through its XML API: multipart uploads with the official client's {@code
 * MultipartUploadClient} (a preview API, kept behind this class), part and download URLs signed
 * locally ({@link GcsUrlSigner}), whole-object calls in {@link GcsObjects}. Every GCS object
 * carries a CRC32C, so this backend declares {@code crc32c}.
 *
 * <p>IAM on the bucket: roles/storage.objectAdmin, or storage.objects.create, .get, .delete, .list
 * and storage.multipartUploads.create, .abort, .listParts.
 */
public final class GcsStorageBackend implements StorageBackend {
  private static final Logger LOG = Logger.getLogger(GcsStorageBackend.class);
  private static final long MIB = 1024L * 1024L;

  /** The XML multipart API's limits, those of S3; GCS reports part sizes back like S3. */
  static final BackendCapabilities CAPABILITIES =
      new BackendCapabilities(IntegrityAlgorithm.CRC32C, 5 * MIB, 5 * 1024 * MIB, 10_000, true);

  private final HttpStorageOptions options;
  private final StoreDeadlines deadlines;
  private final MultipartUploadClient multipart;

  /** Clients for completes, by deadline (a few: see {@link #completer}). */
  private final Map<Duration, MultipartUploadClient> completers = new ConcurrentHashMap<>();

  private final GcsObjects objects;
  private final GcsUrlSigner signer;
  private final String bucket;

  GcsStorageBackend(
      HttpStorageOptions options, String bucket, GcsUrlSigner signer, StoreDeadlines deadlines) {
    this.options = Objects.requireNonNull(options, "options is null");
    this.bucket = Objects.requireNonNull(bucket, "bucket is null");
    this.signer = Objects.requireNonNull(signer, "signer is null");
    this.deadlines = Objects.requireNonNull(deadlines, "deadlines is null");
    this.multipart = multipartClient(deadlines.control());
    this.objects = new GcsObjects(options, bucket, deadlines);
  }

  /**
   * A multipart client whose calls keep to the deadline: the transport's connect and read timeouts
   * bound each attempt, the retry settings' total timeout the retries. The client takes its
   * timeouts from its options only, hence one client per deadline.
   */
  private MultipartUploadClient multipartClient(StoreDeadlines.Deadline deadline) {
    int attempt = millis(deadline.attempt());
    HttpTransportOptions transport =
        ((HttpTransportOptions) options.getTransportOptions())
            .toBuilder().setConnectTimeout(attempt).setReadTimeout(attempt).build();
    RetrySettings retries =
        options.getRetrySettings().toBuilder().setTotalTimeoutDuration(deadline.total()).build();
    return MultipartUploadClient.create(
        MultipartUploadSettings.of(
            options.toBuilder().setTransportOptions(transport).setRetrySettings(retries).build()));
  }

  /**
   * The client for a complete with this deadline, rounded up to a power-of-two multiple of the
   * control deadline (5 s, 10 s, 20 s, … up to {@code complete-max}), so a handful of clients serve
   * every size.
   */
  private MultipartUploadClient completer(StoreDeadlines.Deadline deadlineNeeded) {
    Duration needed = deadlineNeeded.total();
    Duration largest = deadlines.completeMax();
    Duration rounded = deadlines.control().total();
    while (rounded.compareTo(needed) < 0) {
      rounded = rounded.multipliedBy(2);
    }
    Duration deadline = rounded.compareTo(largest) > 0 ? largest : rounded;
    return completers.computeIfAbsent(
        deadline, total -> multipartClient(new StoreDeadlines.Deadline(total, total)));
  }

  static int millis(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
  }

  /**
   * The backend for {@code files.gcs.*}: HMAC signing when a key is configured, otherwise RSA with
   * the service-account key of the Application Default Credentials. Credentials that cannot sign
   * offline (Workload Identity, user credentials) are refused: they would make one network {@code
   * signBlob} call per part URL.
   */
  public static GcsStorageBackend create(
      GcsConfig config, String bucket, StoreDeadlines deadlines) {
    HttpStorageOptions.Builder builder = StorageOptions.http();
    config.projectId().ifPresent(builder::setProjectId);
    config.host().ifPresent(builder::setHost);
    HttpStorageOptions options = builder.build();
    return new GcsStorageBackend(options, bucket, urlSigner(config, options, bucket), deadlines);
  }

  private static GcsUrlSigner urlSigner(
      GcsConfig config, HttpStorageOptions options, String bucket) {
    Optional<String> accessId = config.hmac().accessId();
    Optional<String> secret = config.hmac().secret();
    if (accessId.isPresent() != secret.isPresent()) {
      throw new IllegalStateException(
          "files.gcs.hmac.access-id and files.gcs.hmac.secret go together");
    }
    if (accessId.isPresent()) {
      return GcsUrlSigner.hmac(accessId.get(), secret.get(), options.getHost(), bucket);
    }
    Credentials credentials = options.getCredentials();
    if (credentials instanceof ServiceAccountCredentials serviceAccount
        && serviceAccount.getPrivateKey() != null) {
      LOG.info(
          "GCS part URLs are signed with the service account's RSA key (~1 ms each); an HMAC key"
              + " (files.gcs.hmac.*) signs them in microseconds");
      return GcsUrlSigner.serviceAccount(serviceAccount, options.getHost(), bucket);
    }
    throw new IllegalStateException(
        "GCS part URLs must be signed locally: set files.gcs.hmac.access-id and"
            + " files.gcs.hmac.secret (an HMAC key of the service account), or use a service-account"
            + " key file as Application Default Credentials. These credentials ("
            + (credentials == null ? "none" : credentials.getClass().getSimpleName())
            + ") would need a network signBlob call per URL.");
  }

  @Override
  public String name() {
    return "gcs";
  }

  @Override
  public BackendCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public String begin(String key, String contentType) {
    try {
      return multipart
          .createMultipartUpload(
              CreateMultipartUploadRequest.builder()
                  .bucket(bucket)
                  .key(key)
                  .contentType(contentType)
                  .build())
          .uploadId();
    } catch (StorageException e) {
      throw failure("create multipart upload of " + key, e);
    }
  }

  @Override
  public Map<Integer, PresignedUrl> presignParts(
      String key, String uploadId, Collection<Integer> partNumbers, Duration ttl) {
    PartSigner parts = signerOf(key, uploadId, ttl);
    Map<Integer, PresignedUrl> urls = new ConcurrentHashMap<>(partNumbers.size() * 2);
    // RSA costs ~1 ms a signature: spread it over the cores. HMAC is cheaper than the hand-off.
    (signer.costly() ? partNumbers.parallelStream() : partNumbers.stream())
        .forEach(partNumber -> urls.put(partNumber, parts.sign(partNumber)));
    return urls;
  }

  /** HMAC keys sign while the answer is written; RSA keys sign up front, in parallel. */
  @Override
  public Optional<PartSigner> partSigner(String key, String uploadId, Duration ttl) {
    return signer.costly() ? Optional.empty() : Optional.of(signerOf(key, uploadId, ttl));
  }

  private PartSigner signerOf(String key, String uploadId, Duration ttl) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = now.plus(ttl);
    SigV4QuerySigner.Batch parts =
        signer.batch("PUT", key, Map.of("uploadId", uploadId), "partNumber", now, ttl);
    return partNumber ->
        new PresignedUrl(parts.sign(Integer.toString(toStore(partNumber))), expiresAt);
  }

  @Override
  public List<StoredPart> listParts(String key, String uploadId) {
    List<StoredPart> parts = new ArrayList<>();
    Integer marker = null;
    try {
      while (true) {
        ListPartsRequest.Builder request =
            ListPartsRequest.builder().bucket(bucket).key(key).uploadId(uploadId);
        if (marker != null) {
          request.partNumberMarker(marker);
        }
        ListPartsResponse page = multipart.listParts(request.build());
        // The client answers null, not an empty list, when there are no parts.
        List<Part> listed = page.parts() == null ? List.of() : page.parts();
        for (Part part : listed) {
          parts.add(new StoredPart(fromStore(part.partNumber()), part.eTag(), part.size()));
        }
        if (!page.truncated()) {
          return parts;
        }
        marker = page.nextPartNumberMarker();
      }
    } catch (StorageException e) {
      if (isNoSuchUpload(e)) {
        throw new NoSuchUploadException("list parts of " + key);
      }
      throw failure("list parts of " + key, e);
    }
  }

  @Override
  public void complete(String key, String uploadId, List<PartToken> parts) {
    complete(key, uploadId, parts, deadlines.complete(parts.size()));
  }

  /** As S3's: the deadline grows with the bytes too (issue 24), up to {@code complete-max}. */
  @Override
  public void complete(String key, String uploadId, List<PartToken> parts, long numBytes) {
    complete(key, uploadId, parts, deadlines.complete(parts.size(), numBytes));
  }

  private void complete(
      String key, String uploadId, List<PartToken> parts, StoreDeadlines.Deadline deadline) {
    List<CompletedPart> completed = new ArrayList<>(parts.size());
    for (PartToken part : parts) {
      completed.add(
          CompletedPart.builder()
              .partNumber(toStore(part.partNumber()))
              .eTag(part.token())
              .build());
    }
    try {
      completer(deadline)
          .completeMultipartUpload(
              CompleteMultipartUploadRequest.builder()
                  .bucket(bucket)
                  .key(key)
                  .uploadId(uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(completed).build())
                  .build());
    } catch (StorageException e) {
      if (isNoSuchUpload(e)) {
        throw new NoSuchUploadException("complete multipart upload of " + key);
      }
      if (status(e) == 400) {
        // InvalidPart or EntityTooSmall: the store does not say which part.
        throw new InvalidPartsException(
            RejectedParts.among(parts, listParts(key, uploadId), CAPABILITIES.minPartSize()));
      }
      throw failure("complete multipart upload of " + key, e);
    }
  }

  @Override
  public void abort(String key, String uploadId) {
    try {
      multipart.abortMultipartUpload(
          AbortMultipartUploadRequest.builder().bucket(bucket).key(key).uploadId(uploadId).build());
    } catch (StorageException e) {
      if (!isNoSuchUpload(e)) {
        throw failure("abort multipart upload of " + key, e);
      }
    }
  }

  @Override
  public Optional<ObjectStat> stat(String key) {
    try {
      return objects.head(key);
    } catch (IOException e) {
      throw failure("head object " + key, e);
    }
  }

  @Override
  public URI presignDownload(String key, Duration ttl, String contentDisposition) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return URI.create(
        signer.sign(
            "GET", key, Map.of("response-content-disposition", contentDisposition), now, ttl));
  }

  @Override
  public InputStream open(String key) {
    try {
      return objects.get(key);
    } catch (IOException e) {
      throw failure("get object " + key, e);
    }
  }

  @Override
  public void put(String key, String contentType, byte[] content, int length) {
    try {
      objects.put(key, contentType, content, length);
    } catch (IOException e) {
      throw failure("put object " + key, e);
    }
  }

  @Override
  public String putPart(String key, String uploadId, int partNumber, byte[] content, int length) {
    try {
      return objects.putPart(key, uploadId, toStore(partNumber), content, length);
    } catch (IOException e) {
      if (e instanceof HttpResponseException answer && answer.getStatusCode() == 404) {
        throw new NoSuchUploadException("upload part of " + key);
      }
      throw failure("upload part of " + key, e);
    }
  }

  @Override
  public void checkReachable() {
    try {
      objects.listOne();
    } catch (IOException e) {
      throw failure("list bucket " + bucket, e);
    }
  }

  @Override
  public void delete(String key) {
    try {
      objects.delete(key);
    } catch (IOException e) {
      throw failure("delete object " + key, e);
    }
  }

  /** A 404 about the upload (NoSuchUpload), not about the bucket. */
  private static boolean isNoSuchUpload(StorageException e) {
    return status(e) == 404 && !"NoSuchBucket".equals(answer(e).code());
  }

  /**
   * A failed client call as the service treats it: a refusal retrying cannot cure, or the store
   * being unreachable, slow (a deadline passed) or failing on its side.
   */
  private static RuntimeException failure(String action, StorageException e) {
    int status = status(e);
    if (status == 0) {
      LOG.warnf("GCS %s got no answer: %s", action, e.getMessage());
      return new StorageUnavailableException("GCS " + action, e);
    }
    return failure(action, status, answer(e), e);
  }

  /** The same for the whole-object calls, whose error answers are HttpResponseExceptions. */
  private static RuntimeException failure(String action, IOException e) {
    if (e instanceof HttpResponseException http) {
      return failure(action, http.getStatusCode(), ErrorAnswer.of(http.getContent()), e);
    }
    LOG.warnf("GCS %s got no answer: %s", action, e.toString());
    return new StorageUnavailableException("GCS " + action, e);
  }

  private static RuntimeException failure(
      String action, int status, ErrorAnswer answer, Exception e) {
    if (StoreFailure.of(status, answer.code()) == StoreFailure.PERMANENT) {
      return new StorageRejectedException("GCS " + action, status, answer.code(), answer.message());
    }
    LOG.warnf("GCS %s answered %d %s", action, status, answer.code());
    return new StorageUnavailableException("GCS " + action, e);
  }

  /** The XML API's error body, {@code <Error><Code>…</Code><Message>…</Message></Error>}. */
  record ErrorAnswer(String code, String message) {
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

    static ErrorAnswer of(String body) {
      if (body == null) {
        return new ErrorAnswer(null, null);
      }
      return new ErrorAnswer(first(CODE, body), first(MESSAGE, body));
    }

    private static String first(Pattern pattern, String body) {
      Matcher matcher = pattern.matcher(body);
      return matcher.find() ? matcher.group(1).strip() : null;
    }
  }

  private static ErrorAnswer answer(StorageException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpResponseException http) {
        return ErrorAnswer.of(http.getContent());
      }
    }
    return new ErrorAnswer(e.getReason(), null);
  }

  /**
   * The HTTP status behind a client exception: the client fills {@code getCode()} from JSON error
   * bodies only, so for the XML API's answers it is read from the HTTP exception underneath.
   */
  private static int status(StorageException e) {
    if (e.getCode() != 0) {
      return e.getCode();
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpResponseException http) {
        return http.getStatusCode();
      }
    }
    return 0;
  }

  /** The API's part numbers are zero-based; the XML API's are one-based. */
  private static int toStore(int partNumber) {
    return partNumber + 1;
  }

  private static int fromStore(int partNumber) {
    return partNumber - 1;
  }
}
