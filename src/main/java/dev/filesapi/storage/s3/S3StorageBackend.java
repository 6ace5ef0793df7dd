package dev.filesapi.storage.s3;

import dev.filesapi.storage.BackendCapabilities;
import dev.filesapi.storage.IntegrityAlgorithm;
import dev.filesapi.storage.InvalidPartsException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.PresignedUrl;
import dev.filesapi.storage.RejectedParts;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageConfig;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.StoreFailure;
import dev.filesapi.storage.StoredPart;
import dev.filesapi.storage.signing.SigV4QuerySigner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Any S3-compatible store (AWS S3, MinIO, S3Proxy, Ceph RGW). Objects live at the keys the service
 * derives from ids; the bucket is {@code files.storage.bucket}. Where a store answers otherwise
 * than S3 (Ceph RGW: an aborted upload is NoSuchKey to ListParts and 500 InternalError to a
 * complete), the answer is read here as the S3 one it stands for.
 *
 * <p>IAM permissions needed on the bucket: s3:PutObject, s3:GetObject, s3:DeleteObject,
 * s3:AbortMultipartUpload, s3:ListMultipartUploadParts, s3:ListBucket (for readiness).
 */
@ApplicationScoped
@Typed(S3StorageBackend.class) // exposed as StorageBackend only when selected: see StorageBackends
public class S3StorageBackend implements StorageBackend {
  private static final Logger LOG = Logger.getLogger(S3StorageBackend.class);
  private static final long MIB = 1024L * 1024L;

  /** S3's multipart limits; S3-compatible stores verify no whole-file checksum by default. */
  static final BackendCapabilities CAPABILITIES =
      new BackendCapabilities(IntegrityAlgorithm.NONE, 5 * MIB, 5 * 1024 * MIB, 10_000, true);

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final boolean pathStyle;
  private final String region;

  /** Host header and origin of presigned part URLs (path-style or virtual-hosted). */
  private final String host;

  private final String origin;
  private volatile SigV4QuerySigner partSigner;

  private final StoreDeadlines deadlines;

  /** Per-request timeouts of control calls (the SDK's API call and attempt timeouts). */
  private final AwsRequestOverrideConfiguration control;

  S3StorageBackend(
      S3Client s3,
      S3Presigner presigner,
      StorageConfig config,
      StoreDeadlines deadlines,
      @ConfigProperty(name = "quarkus.s3.path-style-access", defaultValue = "false")
          boolean pathStyle) {
    this.s3 = s3;
    this.deadlines = deadlines;
    this.control = timeouts(deadlines.control());
    this.presigner = presigner;
    this.bucket = config.bucket();
    this.pathStyle = pathStyle;
    this.region = s3.serviceClientConfiguration().region().id();
    URI endpoint =
        s3.serviceClientConfiguration()
            .endpointOverride()
            .orElse(URI.create("https://s3." + region + ".amazonaws.com"));
    String authority =
        endpoint.getPort() == -1
            ? endpoint.getHost()
            : endpoint.getHost() + ":" + endpoint.getPort();
    this.host = pathStyle ? authority : bucket + "." + authority;
    this.origin = endpoint.getScheme() + "://" + host;
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public BackendCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public String begin(String key, String contentType) {
    return call(
        "create multipart upload",
        () ->
            s3.createMultipartUpload(
                    b ->
                        b.bucket(bucket)
                            .key(key)
                            .contentType(contentType)
                            .overrideConfiguration(control))
                .uploadId());
  }

  @Override
  public Map<Integer, PresignedUrl> presignParts(
      String key, String uploadId, Collection<Integer> partNumbers, Duration ttl) {
    PartSigner parts = partSigner(key, uploadId, ttl).orElseThrow();
    Map<Integer, PresignedUrl> urls = new HashMap<>(partNumbers.size() * 2);
    for (int partNumber : partNumbers) {
      urls.put(partNumber, parts.sign(partNumber));
    }
    return urls;
  }

  @Override
  public Optional<PartSigner> partSigner(String key, String uploadId, Duration ttl) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = now.plus(ttl);
    SigV4QuerySigner.Batch parts =
        signer()
            .batch(
                "PUT",
                origin,
                host,
                objectPath(key),
                Map.of("uploadId", uploadId),
                "partNumber",
                now,
                ttl);
    return Optional.of(
        partNumber ->
            new PresignedUrl(parts.sign(Integer.toString(toStore(partNumber))), expiresAt));
  }

  /** A signer for the client's current credentials (rotating ones are picked up). */
  private SigV4QuerySigner signer() {
    AwsCredentialsIdentity credentials =
        call(
            "resolve credentials",
            () -> s3.serviceClientConfiguration().credentialsProvider().resolveIdentity().join());
    String token =
        credentials instanceof AwsSessionCredentialsIdentity session
            ? session.sessionToken()
            : null;
    SigV4QuerySigner current = partSigner;
    if (current == null
        || !current.usesCredentials(
            credentials.accessKeyId(), credentials.secretAccessKey(), token)) {
      current =
          SigV4QuerySigner.aws(
              credentials.accessKeyId(), credentials.secretAccessKey(), token, region, "s3");
      partSigner = current;
    }
    return current;
  }

  private String objectPath(String key) {
    String encodedKey = SigV4QuerySigner.encodePath(key);
    return pathStyle ? "/" + bucket + "/" + encodedKey : "/" + encodedKey;
  }

  @Override
  public List<StoredPart> listParts(String key, String uploadId) {
    try {
      return call("list parts", () -> storedParts(key, uploadId));
    } catch (StorageRejectedException e) {
      // Ceph RGW answers ListParts of an aborted upload 404 NoSuchKey, not NoSuchUpload.
      if (e.status() == 404 && "NoSuchKey".equals(e.errorCode())) {
        throw new NoSuchUploadException("list parts of " + key);
      }
      throw e;
    }
  }

  private List<StoredPart> storedParts(String key, String uploadId) {
    List<StoredPart> parts = new ArrayList<>();
    Integer marker = null;
    while (true) {
      Integer current = marker;
      ListPartsResponse page =
          s3.listParts(
              b ->
                  b.bucket(bucket)
                      .key(key)
                      .uploadId(uploadId)
                      .partNumberMarker(current)
                      .overrideConfiguration(control));
      for (Part part : page.parts()) {
        parts.add(new StoredPart(fromStore(part.partNumber()), part.eTag(), part.size()));
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return parts;
      }
      marker = page.nextPartNumberMarker();
    }
  }

  @Override
  public void complete(String key, String uploadId, List<PartToken> parts) {
    complete(key, uploadId, parts, deadlines.complete(parts.size()));
  }

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
              .eTag(PartToken.quoted(part.token()))
              .build());
    }
    try {
      s3.completeMultipartUpload(
          b ->
              b.bucket(bucket)
                  .key(key)
                  .uploadId(uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(completed).build())
                  .overrideConfiguration(
                      timeouts(deadline).toBuilder().addPlugin(SENT_ONCE).build()));
    } catch (AwsServiceException e) {
      String code = errorCode(e);
      // S3Proxy's filesystem store answers NoSuchKey for an upload it already completed.
      if ("NoSuchUpload".equals(code) || "NoSuchKey".equals(code)) {
        throw new NoSuchUploadException("complete multipart upload of " + key);
      }
      if ("InvalidPart".equals(code) || "EntityTooSmall".equals(code)) {
        throw new InvalidPartsException(rejectedParts(key, uploadId, parts));
      }
      if (e.statusCode() == 500 && "InternalError".equals(code) && forgotten(key, uploadId)) {
        // Ceph RGW answers a complete of an aborted or unknown upload 500 InternalError ("This
        // multipart completion is already in progress"): the store's own error, were it taken as
        // one, would be retried for ever. The service settles it by the object at the key.
        throw new NoSuchUploadException("complete multipart upload of " + key);
      }
      throw failure("complete multipart upload", e);
    } catch (SdkException e) {
      throw failure("complete multipart upload", e);
    }
  }

  /** Whether the store no longer knows the upload; false when it does, or cannot say. */
  private boolean forgotten(String key, String uploadId) {
    try {
      listParts(key, uploadId);
      return false;
    } catch (NoSuchUploadException e) {
      return true;
    } catch (StorageUnavailableException | StorageRejectedException e) {
      return false;
    }
  }

  /** Names the parts whose token the store does not hold, or whose size the store refuses. */
  private List<Integer> rejectedParts(String key, String uploadId, List<PartToken> parts) {
    return RejectedParts.among(parts, listParts(key, uploadId), CAPABILITIES.minPartSize());
  }

  @Override
  public void abort(String key, String uploadId) {
    try {
      s3.abortMultipartUpload(
          b -> b.bucket(bucket).key(key).uploadId(uploadId).overrideConfiguration(control));
    } catch (AwsServiceException e) {
      // NoSuchUpload: aborted already. A missing bucket is no such success.
      if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
        return;
      }
      throw failure("abort multipart upload", e);
    } catch (SdkException e) {
      throw failure("abort multipart upload", e);
    }
  }

  @Override
  public Optional<ObjectStat> stat(String key) {
    try {
      HeadObjectResponse head =
          s3.headObject(b -> b.bucket(bucket).key(key).overrideConfiguration(control));
      return Optional.of(
          new ObjectStat(head.contentLength(), Optional.empty(), Optional.ofNullable(head.eTag())));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (AwsServiceException e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("head object", e);
    } catch (SdkException e) {
      throw failure("head object", e);
    }
  }

  @Override
  public URI presignDownload(String key, Duration ttl, String contentDisposition) {
    return call(
        "presign download",
        () -> {
          try {
            return presigner
                .presignGetObject(
                    r ->
                        r.signatureDuration(ttl)
                            .getObjectRequest(
                                g ->
                                    g.bucket(bucket)
                                        .key(key)
                                        .responseContentDisposition(contentDisposition)))
                .url()
                .toURI();
          } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("presigner produced an invalid URL", e);
          }
        });
  }

  @Override
  public InputStream open(String key) {
    // The deadline covers the answer's start; the body is read as the client takes it, each read
    // bounded by quarkus.s3.sync-client.socket-timeout.
    return call(
        "get object",
        () -> s3.getObject(b -> b.bucket(bucket).key(key).overrideConfiguration(control)));
  }

  @Override
  public void put(String key, String contentType, byte[] content, int length) {
    AwsRequestOverrideConfiguration timeouts = timeouts(deadlines.put(length));
    call(
        "put object",
        () ->
            s3.putObject(
                b ->
                    b.bucket(bucket)
                        .key(key)
                        .contentType(contentType)
                        .overrideConfiguration(timeouts),
                fromMemory(content, length, contentType)));
  }

  @Override
  public String putPart(String key, String uploadId, int partNumber, byte[] content, int length) {
    AwsRequestOverrideConfiguration timeouts = timeouts(deadlines.put(length));
    return call(
        "upload part",
        () ->
            s3.uploadPart(
                    b ->
                        b.bucket(bucket)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(toStore(partNumber))
                            .contentLength((long) length)
                            .overrideConfiguration(timeouts),
                    fromMemory(content, length, "application/octet-stream"))
                .eTag());
  }

  /** A body the SDK can read again on a retry, without copying the bytes. */
  private static RequestBody fromMemory(byte[] content, int length, String contentType) {
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(content, 0, length), length, contentType);
  }

  @Override
  public void delete(String key) {
    call(
        "delete object",
        () -> s3.deleteObject(b -> b.bucket(bucket).key(key).overrideConfiguration(control)));
  }

  @Override
  public void checkReachable() {
    call("head bucket", () -> s3.headBucket(b -> b.bucket(bucket).overrideConfiguration(control)));
  }

  /**
   * A store complete is sent once by the SDK. One cut by the read timeout, or answered with an
   * error, is settled by the object at the upload's key ({@code UploadCompletion}), not by sending
   * it again: the SDK's own retries would each wait out the socket timeout again (four of 60 s
   * behind a store or proxy that holds its answer) before the object is looked at.
   */
  private static final SdkPlugin SENT_ONCE =
      config -> config.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));

  private static AwsRequestOverrideConfiguration timeouts(StoreDeadlines.Deadline deadline) {
    return AwsRequestOverrideConfiguration.builder()
        .apiCallTimeout(deadline.total())
        .apiCallAttemptTimeout(deadline.attempt())
        .build();
  }

  private static <T> T call(String action, Supplier<T> operation) {
    try {
      return operation.get();
    } catch (AwsServiceException e) {
      if ("NoSuchUpload".equals(errorCode(e))) {
        throw new NoSuchUploadException(action);
      }
      throw failure(action, e);
    } catch (SdkException e) {
      throw failure(action, e);
    }
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  /**
   * A failed call as the service treats it: a refusal retrying cannot cure, or the store being
   * unreachable, slow (a deadline passed) or failing on its side.
   */
  private static RuntimeException failure(String action, SdkException e) {
    if (e instanceof AwsServiceException answer) {
      String code = errorCode(answer);
      if (StoreFailure.of(answer.statusCode(), code) == StoreFailure.PERMANENT) {
        return new StorageRejectedException(
            "S3 " + action,
            answer.statusCode(),
            code,
            answer.awsErrorDetails() == null ? null : answer.awsErrorDetails().errorMessage());
      }
      LOG.warnf("S3 %s answered %d %s", action, answer.statusCode(), code);
      return new StorageUnavailableException("S3 " + action, e, true);
    }
    return new StorageUnavailableException("S3 " + action, e);
  }

  /** The API's part numbers are zero-based; S3's are one-based. */
  private static int toStore(int partNumber) {
    return partNumber + 1;
  }

  private static int fromStore(int partNumber) {
    return partNumber - 1;
  }
}
