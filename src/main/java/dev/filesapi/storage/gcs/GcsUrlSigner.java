package dev.filesapi.storage.gcs;

import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.filesapi.storage.signing.SigV4QuerySigner;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Signs XML API URLs of one bucket locally (V4, path style), never with a network call per URL.
 *
 * <p>Two ways, by cost: an HMAC key ({@code GOOG4-HMAC-SHA256}, microseconds per URL, the
 * recommended mode) or a service-account private key ({@code GOOG4-RSA-SHA256}, about a millisecond
 * per URL, spread over the cores by the caller). Both go through {@link SigV4QuerySigner}, whose
 * canonical form is checked against Google's published V4 signing vectors.
 */
final class GcsUrlSigner {
  private final SigV4QuerySigner signer;
  private final boolean costly;
  private final String base;
  private final String host;
  private final String bucket;

  private GcsUrlSigner(SigV4QuerySigner signer, boolean costly, String origin, String bucket) {
    this.signer = signer;
    this.costly = costly;
    this.bucket = Objects.requireNonNull(bucket, "bucket is null");
    URI uri = URI.create(origin);
    this.host = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    this.base = uri.getScheme() + "://" + host;
  }

  /** HMAC-key signing against {@code origin} (e.g. {@code https://storage.googleapis.com}). */
  static GcsUrlSigner hmac(String accessId, String secret, String origin, String bucket) {
    return new GcsUrlSigner(SigV4QuerySigner.gcsHmac(accessId, secret), false, origin, bucket);
  }

  /** RSA signing with a service-account key, offline. */
  static GcsUrlSigner serviceAccount(
      ServiceAccountCredentials credentials, String origin, String bucket) {
    SigV4QuerySigner signer =
        SigV4QuerySigner.gcsServiceAccount(
            credentials.getClientEmail(), credentials.getPrivateKey());
    return new GcsUrlSigner(signer, true, origin, bucket);
  }

  /** A URL for one request on an object of the bucket; {@code parameters} are unencoded. */
  String sign(
      String method, String key, Map<String, String> parameters, Instant now, Duration ttl) {
    return signer.presign(method, base, host, path(key), parameters, now, ttl);
  }

  /** URLs of one request on an object that differ only in {@code varyingParameter}'s value. */
  SigV4QuerySigner.Batch batch(
      String method,
      String key,
      Map<String, String> parameters,
      String varyingParameter,
      Instant now,
      Duration ttl) {
    return signer.batch(method, base, host, path(key), parameters, varyingParameter, now, ttl);
  }

  private String path(String key) {
    return "/" + bucket + "/" + SigV4QuerySigner.encodePath(key);
  }

  /** Whether one signature costs enough (RSA) to be worth signing many in parallel. */
  boolean costly() {
    return costly;
  }
}
