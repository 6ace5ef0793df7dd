package dev.filesapi.storage.s3;

import dev.filesapi.storage.signing.SigV4QuerySigner;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigning the 10,000 part URLs of a largest upload: the service's {@link SigV4QuerySigner} (as
 * {@code S3StorageBackend.presignParts} calls it, in one batch, and URL by URL) against the AWS
 * SDK's {@link S3Presigner}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PresignBench {
  static final int PARTS = 10_000;
  static final String BUCKET = "files";
  static final String KEY =
      "orgs/org_5m2k0a1b7c9d3e4f6g8h0j1k2m/files/fil_0a1b2c3d4e5f6g7h8j9k0m1n2p";
  static final String UPLOAD_ID =
      "2f0c1a9e-7d4b-4c55-9a3e-8b1f6d2c7e40" + "~ExampleUploadIdOfRealisticLength0123456789";
  static final Duration TTL = Duration.ofHours(1);

  SigV4QuerySigner signer;
  S3Presigner presigner;

  @Setup(Level.Trial)
  public void setUp() {
    signer =
        SigV4QuerySigner.aws(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            null,
            "us-east-1",
            "s3");
    presigner =
        S3Presigner.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:9000"))
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")))
            .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    presigner.close();
  }

  /** What presignParts does per initiate: one batch for the upload, one URL per part. */
  @Benchmark
  public void sigV4QuerySignerBatch10k(Blackhole sink) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String path = "/" + BUCKET + "/" + SigV4QuerySigner.encodePath(KEY);
    SigV4QuerySigner.Batch parts =
        signer.batch(
            "PUT",
            "http://127.0.0.1:9000",
            "127.0.0.1:9000",
            path,
            Map.of("uploadId", UPLOAD_ID),
            "partNumber",
            now,
            TTL);
    for (int part = 1; part <= PARTS; part++) {
      sink.consume(parts.sign(Integer.toString(part)));
    }
  }

  /** The same URLs, each presigned on its own (the whole canonical request hashed per URL). */
  @Benchmark
  public void sigV4QuerySigner10k(Blackhole sink) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String path = "/" + BUCKET + "/" + SigV4QuerySigner.encodePath(KEY);
    for (int part = 1; part <= PARTS; part++) {
      sink.consume(
          signer.presign(
              "PUT",
              "http://127.0.0.1:9000",
              "127.0.0.1:9000",
              path,
              Map.of("partNumber", Integer.toString(part), "uploadId", UPLOAD_ID),
              now,
              TTL));
    }
  }

  @Benchmark
  public void sdkS3Presigner10k(Blackhole sink) {
    for (int part = 1; part <= PARTS; part++) {
      int number = part;
      sink.consume(
          presigner
              .presignUploadPart(
                  r ->
                      r.signatureDuration(TTL)
                          .uploadPartRequest(
                              u ->
                                  u.bucket(BUCKET).key(KEY).uploadId(UPLOAD_ID).partNumber(number)))
              .url());
    }
  }
}
