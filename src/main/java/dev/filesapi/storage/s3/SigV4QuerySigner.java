package dev.filesapi.storage.s3;

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
 * AWS Signature Version 4 for presigned URLs (query-string authentication), and nothing else.
 * Presigning is the hot path of initiate: the SDK's presigner costs tens of microseconds per URL in
 * pipeline overhead, this one a few (two HMACs with the day's signing key cached). Every other S3
 * call keeps the SDK.
 *
 * <p>Immutable per credentials; one instance serves any number of threads.
 */
final class SigV4QuerySigner {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();
  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

  private final String accessKeyId;
  private final String secretAccessKey;
  private final String sessionToken;
  private final String region;
  private final String service;
  private volatile DayKey dayKey;

  /** Each thread's SHA-256 digest: looking one up costs more than hashing a canonical request. */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is always available", e);
            }
          });

  /**
   * The signing key of one day: derived once per day, not once per URL, with each thread's HMAC
   * already initialised with it ({@link Mac#doFinal} leaves a Mac ready for the same key).
   */
  private record DayKey(String date, byte[] key, ThreadLocal<Mac> mac) {
    DayKey(String date, byte[] key) {
      this(date, key, ThreadLocal.withInitial(() -> newMac(key)));
    }
  }

  SigV4QuerySigner(
      String accessKeyId,
      String secretAccessKey,
      String sessionToken,
      String region,
      String service) {
    this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId is null");
    this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey is null");
    this.sessionToken = sessionToken;
    this.region = Objects.requireNonNull(region, "region is null");
    this.service = Objects.requireNonNull(service, "service is null");
  }

  boolean usesCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
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
  String presign(
      String method,
      String origin,
      String host,
      String encodedPath,
      Map<String, String> parameters,
      Instant now,
      Duration ttl) {
    String amzDate = AMZ_DATE.format(now);
    String date = amzDate.substring(0, 8);
    String scope = date + "/" + region + "/" + service + "/aws4_request";

    TreeMap<String, String> query = new TreeMap<>();
    parameters.forEach((name, value) -> query.put(encode(name), encode(value)));
    query.put("X-Amz-Algorithm", ALGORITHM);
    query.put("X-Amz-Credential", encode(accessKeyId + "/" + scope));
    query.put("X-Amz-Date", amzDate);
    query.put("X-Amz-Expires", Long.toString(ttl.toSeconds()));
    if (sessionToken != null) {
      query.put("X-Amz-Security-Token", encode(sessionToken));
    }
    query.put("X-Amz-SignedHeaders", "host");
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
        ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + HEX.formatHex(sha256(canonicalRequest));
    String signature =
        HEX.formatHex(
            dayKey(date).mac().get().doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    return origin + encodedPath + '?' + canonicalQuery + "&X-Amz-Signature=" + signature;
  }

  private DayKey dayKey(String date) {
    DayKey cached = dayKey;
    if (cached != null && cached.date().equals(date)) {
      return cached;
    }
    byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    DayKey derived = new DayKey(date, key);
    dayKey = derived;
    return derived;
  }

  /** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX. */
  static String encode(String value) {
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
  static String encodePath(String key) {
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
    return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(byte[] key, String data) {
    return newMac(key).doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }
}
