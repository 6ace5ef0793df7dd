package dev.filesapi.storage.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Version 4 HMAC signatures for presigned URLs (query-string authentication), and nothing else: AWS
 * SigV4 ({@code AWS4-HMAC-SHA256}) and its Cloud Storage twin for HMAC keys ({@code
 * GOOG4-HMAC-SHA256}: {@code X-Goog-*} parameters, {@code goog4_request} scope). Presigning is the
 * hot path of initiate: an SDK presigner costs tens of microseconds per URL in pipeline overhead,
 * this one a few (two HMACs with the day's signing key cached). Every other store call keeps the
 * SDK.
 *
 * <p>Immutable per credentials; one instance serves any number of threads.
 */
public final class SigV4QuerySigner {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();
  private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

  /** The two spellings of the same algorithm. */
  public enum Dialect {
    AWS4("AWS4-HMAC-SHA256", "X-Amz-", "AWS4", "aws4_request"),
    GOOG4("GOOG4-HMAC-SHA256", "X-Goog-", "GOOG4", "goog4_request");

    private final String algorithm;
    private final String parameterPrefix;
    private final String keyPrefix;
    private final String terminator;

    Dialect(String algorithm, String parameterPrefix, String keyPrefix, String terminator) {
      this.algorithm = algorithm;
      this.parameterPrefix = parameterPrefix;
      this.keyPrefix = keyPrefix;
      this.terminator = terminator;
    }
  }

  private final Dialect dialect;
  private final String accessKeyId;
  private final String secretAccessKey;
  private final String sessionToken;
  private final String region;
  private final String service;
  private volatile DayKey dayKey;

  /** The signing key of one day: derived once per day, not once per URL. */
  private record DayKey(String date, byte[] key) {}

  private SigV4QuerySigner(
      Dialect dialect,
      String accessKeyId,
      String secretAccessKey,
      String sessionToken,
      String region,
      String service) {
    this.dialect = Objects.requireNonNull(dialect, "dialect is null");
    this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId is null");
    this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey is null");
    this.sessionToken = sessionToken;
    this.region = Objects.requireNonNull(region, "region is null");
    this.service = Objects.requireNonNull(service, "service is null");
  }

  /** AWS SigV4 for S3 and S3-compatible stores; {@code sessionToken} may be null. */
  public static SigV4QuerySigner aws(
      String accessKeyId,
      String secretAccessKey,
      String sessionToken,
      String region,
      String service) {
    return new SigV4QuerySigner(
        Dialect.AWS4, accessKeyId, secretAccessKey, sessionToken, region, service);
  }

  /**
   * Cloud Storage V4 signing with an HMAC key (region {@code auto}, service {@code storage}), as in
   * Google's "Signatures" and "Canonical requests" pages.
   */
  public static SigV4QuerySigner gcsHmac(String accessId, String secret) {
    return new SigV4QuerySigner(Dialect.GOOG4, accessId, secret, null, "auto", "storage");
  }

  public boolean usesCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    return this.accessKeyId.equals(accessKeyId)
        && this.secretAccessKey.equals(secretAccessKey)
        && Objects.equals(this.sessionToken, sessionToken);
  }

  /**
   * A presigned URL that signs only the {@code host} header.
   *
   * @param method HTTP method, e.g. PUT
   * @param origin scheme, host and port, e.g. {@code https://bucket.s3.us-east-1.amazonaws.com}
   * @param host the Host header value the client will send (host, plus port if not default)
   * @param encodedPath the path, each segment already URI-encoded, starting with '/'
   * @param parameters query parameters of the request itself (unencoded), e.g. partNumber
   */
  public String presign(
      String method,
      String origin,
      String host,
      String encodedPath,
      Map<String, String> parameters,
      Instant now,
      Duration ttl) {
    String amzDate = AMZ_DATE.format(now);
    String date = amzDate.substring(0, 8);
    String scope = date + "/" + region + "/" + service + "/" + dialect.terminator;
    String prefix = dialect.parameterPrefix;

    TreeMap<String, String> query = new TreeMap<>();
    parameters.forEach((name, value) -> query.put(encode(name), encode(value)));
    query.put(prefix + "Algorithm", dialect.algorithm);
    query.put(prefix + "Credential", encode(accessKeyId + "/" + scope));
    query.put(prefix + "Date", amzDate);
    query.put(prefix + "Expires", Long.toString(ttl.toSeconds()));
    if (sessionToken != null) {
      query.put(prefix + "Security-Token", encode(sessionToken));
    }
    query.put(prefix + "SignedHeaders", "host");
    StringBuilder canonicalQuery = new StringBuilder(256);
    query.forEach(
        (name, value) -> {
          if (!canonicalQuery.isEmpty()) {
            canonicalQuery.append('&');
          }
          canonicalQuery.append(name).append('=').append(value);
        });

    String canonicalRequest =
        method
            + '\n'
            + encodedPath
            + '\n'
            + canonicalQuery
            + '\n'
            + "host:"
            + host
            + "\n\nhost\n"
            + UNSIGNED_PAYLOAD;
    String stringToSign =
        dialect.algorithm
            + '\n'
            + amzDate
            + '\n'
            + scope
            + '\n'
            + HEX.formatHex(sha256(canonicalRequest));
    String signature = HEX.formatHex(hmac(signingKey(date), stringToSign));
    return origin + encodedPath + '?' + canonicalQuery + '&' + prefix + "Signature=" + signature;
  }

  private byte[] signingKey(String date) {
    DayKey cached = dayKey;
    if (cached != null && cached.date().equals(date)) {
      return cached.key();
    }
    byte[] key = hmac((dialect.keyPrefix + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, dialect.terminator);
    dayKey = new DayKey(date, key);
    return key;
  }

  /** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX. */
  public static String encode(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = null;
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xff;
      boolean unreserved =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.'
              || c == '~';
      if (unreserved) {
        if (out != null) {
          out.append((char) c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(bytes.length * 3);
        out.append(value, 0, i);
      }
      out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
      out.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
    }
    return out == null ? value : out.toString();
  }

  /** A key's path: each segment encoded, the slashes kept. */
  public static String encodePath(String key) {
    StringBuilder out = new StringBuilder(key.length() + 8);
    int start = 0;
    while (true) {
      int slash = key.indexOf('/', start);
      out.append(encode(slash < 0 ? key.substring(start) : key.substring(start, slash)));
      if (slash < 0) {
        return out.toString();
      }
      out.append('/');
      start = slash + 1;
    }
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }
}
