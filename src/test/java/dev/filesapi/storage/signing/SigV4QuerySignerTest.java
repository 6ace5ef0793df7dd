package dev.filesapi.storage.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SigV4QuerySignerTest {

  /**
   * AWS's published example of a presigned GET ("Authenticating Requests: Using Query Parameters",
   * Amazon S3 API reference): same inputs, same signature.
   */
  @Test
  void matchesAwsPublishedPresignedUrlExample() {
    SigV4QuerySigner signer =
        SigV4QuerySigner.aws(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            null,
            "us-east-1",
            "s3");

    String url =
        signer.presign(
            "GET",
            "https://examplebucket.s3.amazonaws.com",
            "examplebucket.s3.amazonaws.com",
            "/test.txt",
            Map.of(),
            Instant.parse("2013-05-24T00:00:00Z"),
            Duration.ofSeconds(86400));

    assertThat(url)
        .isEqualTo(
            "https://examplebucket.s3.amazonaws.com/test.txt"
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z"
                + "&X-Amz-Expires=86400"
                + "&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  }

  @Test
  void sessionTokenAndRequestParametersAreSignedInCanonicalOrder() {
    SigV4QuerySigner signer = SigV4QuerySigner.aws("AK", "SK", "to/ken+=", "eu-west-1", "s3");

    String url =
        signer.presign(
            "PUT",
            "http://127.0.0.1:9000",
            "127.0.0.1:9000",
            "/bucket/orgs/o/files/f",
            Map.of("uploadId", "a b/c", "partNumber", "7"),
            Instant.parse("2026-11-25T10:00:00Z"),
            Duration.ofHours(1));

    String query = url.substring(url.indexOf('?') + 1);
    assertThat(query)
        .startsWith(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20261125%2Feu-west-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20261125T100000Z&X-Amz-Expires=3600"
                + "&X-Amz-Security-Token=to%2Fken%2B%3D&X-Amz-SignedHeaders=host"
                + "&partNumber=7&uploadId=a%20b%2Fc&X-Amz-Signature=")
        .matches(".*&X-Amz-Signature=[0-9a-f]{64}$");
  }

  @Test
  void encodesLikeSigV4() {
    assertThat(SigV4QuerySigner.encode("AZaz09-_.~")).isEqualTo("AZaz09-_.~");
    assertThat(SigV4QuerySigner.encode("a b+c/d=é")).isEqualTo("a%20b%2Bc%2Fd%3D%C3%A9");
    assertThat(SigV4QuerySigner.encodePath("orgs/org 1/files/f~x"))
        .isEqualTo("orgs/org%201/files/f~x");
  }

  @Test
  void theDaysSigningKeyIsReusedAndRenewedAtMidnight() {
    SigV4QuerySigner signer = SigV4QuerySigner.aws("AK", "SK", null, "us-east-1", "s3");
    Instant evening = Instant.parse("2026-11-25T23:59:59Z");
    String first =
        signer.presign("PUT", "http://h", "h", "/k", Map.of(), evening, Duration.ofMinutes(5));
    String again =
        signer.presign("PUT", "http://h", "h", "/k", Map.of(), evening, Duration.ofMinutes(5));
    String nextDay =
        signer.presign(
            "PUT", "http://h", "h", "/k", Map.of(), evening.plusSeconds(2), Duration.ofMinutes(5));
    assertThat(again).isEqualTo(first);
    assertThat(nextDay).contains("%2F20261126%2F").isNotEqualTo(first);
  }

  /**
   * Cloud Storage's HMAC form, spelled out step by step as Google's "Signatures" and "Canonical
   * requests" pages describe it: X-Goog-* parameters, scope {date}/auto/storage/goog4_request, and
   * a signing key derived from "GOOG4" + secret.
   */
  @Test
  void signsCloudStorageHmacUrlsInTheGoog4Form() throws Exception {
    SigV4QuerySigner signer =
        SigV4QuerySigner.gcsHmac(
            "GOOGTS7C7FUP3AIRVJTE2BCD", "bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ");
    Instant now = Instant.parse("2026-11-25T10:00:00Z");

    String url =
        signer.presign(
            "PUT",
            "https://storage.googleapis.com",
            "storage.googleapis.com",
            "/my-bucket/orgs/o/files/f",
            Map.of("partNumber", "3", "uploadId", "ABPn+/x"),
            now,
            Duration.ofMinutes(15));

    String query =
        "X-Goog-Algorithm=GOOG4-HMAC-SHA256"
            + "&X-Goog-Credential=GOOGTS7C7FUP3AIRVJTE2BCD%2F20261125%2Fauto%2Fstorage%2Fgoog4_request"
            + "&X-Goog-Date=20261125T100000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host"
            + "&partNumber=3&uploadId=ABPn%2B%2Fx";
    String canonicalRequest =
        "PUT\n/my-bucket/orgs/o/files/f\n"
            + query
            + "\nhost:storage.googleapis.com\n\nhost\nUNSIGNED-PAYLOAD";
    String stringToSign =
        "GOOG4-HMAC-SHA256\n20261125T100000Z\n20261125/auto/storage/goog4_request\n"
            + HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key =
        hmac(
            "GOOG4bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ".getBytes(StandardCharsets.UTF_8),
            "20261125");
    for (String part : new String[] {"auto", "storage", "goog4_request"}) {
      key = hmac(key, part);
    }
    String signature = HexFormat.of().formatHex(hmac(key, stringToSign));

    assertThat(url)
        .isEqualTo(
            "https://storage.googleapis.com/my-bucket/orgs/o/files/f?"
                + query
                + "&X-Goog-Signature="
                + signature);
  }

  /**
   * A batch signs each value exactly as a single presign with that parameter would, wherever the
   * varying parameter sorts among the others (first, between, last) and whatever it encodes to.
   */
  @Test
  void aBatchSignsEachValueAsASinglePresignWould() {
    SigV4QuerySigner signer = SigV4QuerySigner.aws("AK", "SK", "tok/en", "eu-west-1", "s3");
    Instant now = Instant.parse("2026-12-01T08:00:00Z");
    Duration ttl = Duration.ofMinutes(30);
    for (String varying : new String[] {"ABC", "partNumber", "zz", "X-Amz-Meta-Part"}) {
      Map<String, String> fixed = Map.of("uploadId", "up/load+id", "Another", "v");
      SigV4QuerySigner.Batch batch =
          signer.batch("PUT", "http://h:9", "h:9", "/b/k", fixed, varying, now, ttl);
      for (String value : new String[] {"1", "10000", "a b&c=é"}) {
        Map<String, String> all = new java.util.HashMap<>(fixed);
        all.put(varying, value);
        assertThat(batch.sign(value))
            .as("%s=%s", varying, value)
            .isEqualTo(signer.presign("PUT", "http://h:9", "h:9", "/b/k", all, now, ttl));
      }
    }
  }

  @Test
  void aBatchWithoutAVaryingParameterIsOneUrl() {
    SigV4QuerySigner signer = SigV4QuerySigner.gcsHmac("GOOG1ID", "secret");
    Instant now = Instant.parse("2026-12-01T08:00:00Z");
    SigV4QuerySigner.Batch batch =
        signer.batch("GET", "https://s", "s", "/b/k", Map.of(), null, now, Duration.ofMinutes(1));
    assertThat(batch.sign(null))
        .isEqualTo(
            signer.presign("GET", "https://s", "s", "/b/k", Map.of(), now, Duration.ofMinutes(1)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> batch.sign("1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A batch is shared by whichever threads sign its URLs (GCS service-account keys sign an upload's
   * parts in parallel): every thread gets exactly what one thread alone gets.
   */
  @Test
  void aBatchSignedFromManyThreadsAtOnceSignsAsOneThreadDoes() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    Instant now = Instant.parse("2026-12-01T08:00:00Z");
    Map<SigV4QuerySigner, Integer> signers =
        Map.of(
            SigV4QuerySigner.aws("AK", "SK", null, "us-east-1", "s3"), 2_000,
            SigV4QuerySigner.gcsHmac("GOOG1ID", "secret"), 2_000,
            SigV4QuerySigner.gcsServiceAccount("sa@p.iam", rsa.generateKeyPair().getPrivate()), 40);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (Map.Entry<SigV4QuerySigner, Integer> entry : signers.entrySet()) {
        int values = entry.getValue();
        SigV4QuerySigner.Batch batch =
            entry
                .getKey()
                .batch(
                    "PUT",
                    "https://h",
                    "h",
                    "/b/k",
                    Map.of("uploadId", "u"),
                    "partNumber",
                    now,
                    Duration.ofHours(1));
        List<String> alone = new ArrayList<>();
        for (int i = 1; i <= values; i++) {
          alone.add(batch.sign(Integer.toString(i)));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> together = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
          together.add(
              pool.submit(
                  () -> {
                    start.await();
                    List<String> urls = new ArrayList<>();
                    for (int i = 1; i <= values; i++) {
                      urls.add(batch.sign(Integer.toString(i)));
                    }
                    return urls;
                  }));
        }
        start.countDown();
        for (Future<List<String>> urls : together) {
          assertThat(urls.get()).isEqualTo(alone);
        }
        assertThat(new HashSet<>(alone)).hasSize(values);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
