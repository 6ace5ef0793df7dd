package dev.filesapi.storage.gcs;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.SignUrlOption;
import com.google.cloud.storage.StorageOptions;
import dev.filesapi.storage.signing.SigV4QuerySigner;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Signs XML API URLs locally (V4, path style), never with a network call per URL.
 *
 * <p>Two ways, by cost: an HMAC key ({@code GOOG4-HMAC-SHA256}, microseconds per URL, the
 * recommended mode) or a service-account private key ({@code GOOG4-RSA-SHA256} through the client's
 * {@code Storage.signUrl}, about a millisecond per URL, spread over the cores by the caller).
 */
interface GcsUrlSigner {

  /** A URL for one request on an object of the bucket; {@code parameters} are unencoded. */
  String sign(String method, String key, Map<String, String> parameters, Instant now, Duration ttl);

  /** Whether one signature costs enough (RSA) to be worth signing many in parallel. */
  boolean costly();

  /** HMAC-key signing against {@code origin} (e.g. {@code https://storage.googleapis.com}). */
  static GcsUrlSigner hmac(String accessId, String secret, String origin, String bucket) {
    SigV4QuerySigner signer = SigV4QuerySigner.gcsHmac(accessId, secret);
    URI uri = URI.create(origin);
    String host = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    String base = uri.getScheme() + "://" + host;
    return new GcsUrlSigner() {
      @Override
      public String sign(
          String method, String key, Map<String, String> parameters, Instant now, Duration ttl) {
        String path = "/" + bucket + "/" + SigV4QuerySigner.encodePath(key);
        return signer.presign(method, base, host, path, parameters, now, ttl);
      }

      @Override
      public boolean costly() {
        return false;
      }
    };
  }

  /** RSA signing with a service-account key, offline, by the official client. */
  static GcsUrlSigner serviceAccount(
      ServiceAccountCredentials credentials, String origin, String bucket) {
    // A Storage used only to sign: it makes no calls, so it needs no credentials of its own.
    Storage signing =
        StorageOptions.http()
            .setHost(origin)
            .setProjectId("url-signing")
            .setCredentials(credentials)
            .build()
            .getService();
    return new GcsUrlSigner() {
      @Override
      public String sign(
          String method, String key, Map<String, String> parameters, Instant now, Duration ttl) {
        return signing
            .signUrl(
                BlobInfo.newBuilder(bucket, key).build(),
                ttl.toSeconds(),
                TimeUnit.SECONDS,
                SignUrlOption.signWith(credentials),
                SignUrlOption.httpMethod(HttpMethod.valueOf(method)),
                SignUrlOption.withV4Signature(),
                SignUrlOption.withPathStyle(),
                SignUrlOption.withQueryParams(parameters))
            .toString();
      }

      @Override
      public boolean costly() {
        return true;
      }
    };
  }
}
