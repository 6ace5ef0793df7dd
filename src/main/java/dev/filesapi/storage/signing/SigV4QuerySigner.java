package dev.filesapi.storage.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Version 4 signatures for presigned URLs (query-string authentication), and nothing else: AWS
 * SigV4 ({@code AWS4-HMAC-SHA256}) and its Cloud Storage twins ({@code X-Goog-*} parameters, {@code
 * goog4_request} scope) for HMAC keys ({@code GOOG4-HMAC-SHA256}) and service-account keys ({@code
 * GOOG4-RSA-SHA256}). All three share one canonical request and string to sign and differ only in
 * the last step. Presigning is the hot path of initiate: an SDK presigner costs tens of
 * microseconds per URL in pipeline overhead, the HMAC forms here a few (two HMACs with the day's
 * signing key cached). Every other store call keeps the SDK.
 *
 * <p>Immutable per credentials; one instance serves any number of threads.
 */
public final class SigV4QuerySigner {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

  /** Cloud Storage's fixed scope parts for V4 signatures. */
  private static final String GCS_REGION = "auto";

  private static final String GCS_SERVICE = "storage";

  /** The two spellings of the same scheme: parameter prefix, HMAC key prefix, scope terminator. */
  private enum Dialect {
    AWS4("X-Amz-", "AWS4", "aws4_request"),
    GOOG4("X-Goog-", "GOOG4", "goog4_request");

    private final String parameterPrefix;
    private final String keyPrefix;
    private final String terminator;

    Dialect(String parameterPrefix, String keyPrefix, String terminator) {
      this.parameterPrefix = parameterPrefix;
      this.keyPrefix = keyPrefix;
      this.terminator = terminator;
    }
  }

  /** The last step: the string to sign, signed with the credentials' key. */
  private interface KeySigner {
    /**
     * Signs strings to sign of one batch: {@code head} (algorithm, date, scope) followed by a
     * canonical request's hex hash. Whatever depends only on the head is done here, once.
     */
    PreparedSigner prepare(String date, byte[] head);
  }

  /** A {@link KeySigner} ready for one batch; any thread may use it. */
  private interface PreparedSigner {
    /** The signature of the head followed by {@code requestHashHex} (64 ASCII hex digits). */
    byte[] sign(byte[] requestHashHex);
  }

  private final Dialect dialect;
  private final String algorithm;
  private final String credentialId;
  private final String sessionToken;
  private final String region;
  private final String service;
  private final KeySigner keySigner;

  private SigV4QuerySigner(
      Dialect dialect,
      String algorithm,
      String credentialId,
      String sessionToken,
      String region,
      String service,
      KeySigner keySigner) {
    this.dialect = dialect;
    this.algorithm = algorithm;
    this.credentialId = Objects.requireNonNull(credentialId, "credentialId is null");
    this.sessionToken = sessionToken;
    this.region = Objects.requireNonNull(region, "region is null");
    this.service = Objects.requireNonNull(service, "service is null");
    this.keySigner = keySigner;
  }

  /** AWS SigV4 for S3 and S3-compatible stores; {@code sessionToken} may be null. */
  public static SigV4QuerySigner aws(
      String accessKeyId,
      String secretAccessKey,
      String sessionToken,
      String region,
      String service) {
    return new SigV4QuerySigner(
        Dialect.AWS4,
        "AWS4-HMAC-SHA256",
        accessKeyId,
        sessionToken,
        region,
        service,
        new HmacSignature(Dialect.AWS4, secretAccessKey, region, service));
  }

  /**
   * Cloud Storage V4 signing with an HMAC key (region {@code auto}, service {@code storage}), as in
   * Google's "Signatures" and "Canonical requests" pages.
   */
  public static SigV4QuerySigner gcsHmac(String accessId, String secret) {
    return gcs(
        "GOOG4-HMAC-SHA256",
        accessId,
        new HmacSignature(Dialect.GOOG4, secret, GCS_REGION, GCS_SERVICE));
  }

  /**
   * Cloud Storage V4 signing with a service account's RSA key, offline. An RSA-2048 signature costs
   * about a millisecond, against microseconds for an HMAC key.
   */
  public static SigV4QuerySigner gcsServiceAccount(String clientEmail, PrivateKey privateKey) {
    return gcs("GOOG4-RSA-SHA256", clientEmail, new RsaSignature(privateKey));
  }

  private static SigV4QuerySigner gcs(String algorithm, String credentialId, KeySigner keySigner) {
    return new SigV4QuerySigner(
        Dialect.GOOG4, algorithm, credentialId, null, GCS_REGION, GCS_SERVICE, keySigner);
  }

  public boolean usesCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    return credentialId.equals(accessKeyId)
        && keySigner instanceof HmacSignature hmac
        && hmac.secret.equals(secretAccessKey)
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
    return batch(method, origin, host, encodedPath, parameters, null, now, ttl).sign(null);
  }

  /**
   * Presigned URLs of one request that differ only in the value of one query parameter, such as
   * every part of an upload ({@code partNumber}). Each URL is exactly what {@link #presign} gives
   * with that parameter added; the part of the canonical request before it is hashed once.
   *
   * @param varyingParameter the name of the parameter whose value {@link Batch#sign} takes, not one
   *     of {@code parameters}; null when nothing varies
   */
  public Batch batch(
      String method,
      String origin,
      String host,
      String encodedPath,
      Map<String, String> parameters,
      String varyingParameter,
      Instant now,
      Duration ttl) {
    String amzDate = AMZ_DATE.format(now);
    String date = amzDate.substring(0, 8);
    String scope = date + "/" + region + "/" + service + "/" + dialect.terminator;
    String prefix = dialect.parameterPrefix;

    TreeMap<String, String> query = new TreeMap<>();
    parameters.forEach((name, value) -> query.put(encode(name), encode(value)));
    query.put(prefix + "Algorithm", algorithm);
    query.put(prefix + "Credential", encode(credentialId + "/" + scope));
    query.put(prefix + "Date", amzDate);
    query.put(prefix + "Expires", Long.toString(ttl.toSeconds()));
    if (sessionToken != null) {
      query.put(prefix + "Security-Token", encode(sessionToken));
    }
    query.put(prefix + "SignedHeaders", "host");
    String varyingName = varyingParameter == null ? null : encode(varyingParameter);
    if (varyingName != null && query.containsKey(varyingName)) {
      throw new IllegalArgumentException(varyingParameter + " is both fixed and varying");
    }
    // The canonical query in order, split around where the varying parameter sorts.
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    query.forEach(
        (name, value) ->
            (varyingName != null && name.compareTo(varyingName) > 0 ? after : before)
                .add(name + '=' + value));
    String queryHead =
        String.join("&", before) + (varyingName != null && !before.isEmpty() ? "&" : "");
    String queryTail = after.isEmpty() ? "" : '&' + String.join("&", after);

    Sha256 requestHead =
        Sha256.create()
            .update(
                (method + '\n' + encodedPath + '\n' + queryHead).getBytes(StandardCharsets.UTF_8));
    byte[] requestTail =
        (queryTail + "\nhost:" + host + "\n\nhost\n" + UNSIGNED_PAYLOAD)
            .getBytes(StandardCharsets.UTF_8);
    byte[] stringToSignHead =
        (algorithm + '\n' + amzDate + '\n' + scope + '\n').getBytes(StandardCharsets.UTF_8);
    return new Batch(
        origin + encodedPath + '?' + queryHead,
        varyingName,
        queryTail,
        requestHead,
        requestTail,
        keySigner.prepare(date, stringToSignHead),
        '&' + prefix + "Signature=");
  }

  /** Signs one request shape for each value of its varying parameter; any thread may use it. */
  public final class Batch {
    private final String urlHead;
    private final String varyingName;
    private final String queryTail;
    private final Sha256 requestHead;
    private final byte[] requestTail;
    private final PreparedSigner signer;
    private final String signatureParameter;

    private Batch(
        String urlHead,
        String varyingName,
        String queryTail,
        Sha256 requestHead,
        byte[] requestTail,
        PreparedSigner signer,
        String signatureParameter) {
      this.urlHead = urlHead;
      this.varyingName = varyingName;
      this.queryTail = queryTail;
      this.requestHead = requestHead;
      this.requestTail = requestTail;
      this.signer = signer;
      this.signatureParameter = signatureParameter;
    }

    /** The URL with the varying parameter set to {@code value} (unencoded; null without one). */
    public String sign(String value) {
      if ((value == null) != (varyingName == null)) {
        throw new IllegalArgumentException("a value is needed exactly when a parameter varies");
      }
      String entry = value == null ? "" : varyingName + '=' + encode(value);
      Scratch scratch = SCRATCH.get();
      byte[] hash = scratch.hash;
      scratch
          .request
          .copyFrom(requestHead)
          .update(entry.getBytes(StandardCharsets.US_ASCII))
          .update(requestTail)
          .digestInto(hash, 0);
      byte[] hashHex = scratch.hashHex;
      for (int i = 0; i < hash.length; i++) {
        hashHex[2 * i] = HEX_DIGITS[(hash[i] >> 4) & 0xf];
        hashHex[2 * i + 1] = HEX_DIGITS[hash[i] & 0xf];
      }
      String signature = HEX.formatHex(signer.sign(hashHex));
      return urlHead + entry + queryTail + signatureParameter + signature;
    }
  }

  /** Each thread's working hashes and buffers, reused from one URL to the next. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final Sha256 request = Sha256.create();
    final Sha256 inner = Sha256.create();
    final Sha256 outer = Sha256.create();
    final byte[] hash = new byte[Sha256.LENGTH];
    final byte[] hashHex = new byte[2 * Sha256.LENGTH];
    final byte[] innerHash = new byte[Sha256.LENGTH];
  }

  /**
   * HMAC-SHA256 with the day's derived key, computed once a day, not once per URL. Per batch, the
   * inner hash has taken in the padded key and the string to sign's head and the outer hash the
   * padded key (RFC 2104), so each URL's HMAC hashes only its 64 hex digits and the inner digest:
   * three SHA-256 blocks instead of six, which matters most where SHA-256 is not compiled to
   * intrinsics (a C1-only JVM).
   */
  private static final class HmacSignature implements KeySigner {
    private final String keyPrefix;
    private final String secret;
    private final String region;
    private final String service;
    private final String terminator;
    private volatile DayKey dayKey;

    /** A day's signing key: the key's SHA-256 states after the inner and the outer pad. */
    private record DayKey(String date, Sha256 inner, Sha256 outer) {}

    HmacSignature(Dialect dialect, String secret, String region, String service) {
      this.keyPrefix = dialect.keyPrefix;
      this.terminator = dialect.terminator;
      this.secret = Objects.requireNonNull(secret, "secret is null");
      this.region = region;
      this.service = service;
    }

    @Override
    public PreparedSigner prepare(String date, byte[] head) {
      DayKey key = dayKey(date);
      Sha256 inner = Sha256.create().copyFrom(key.inner()).update(head);
      Sha256 outer = key.outer();
      return requestHashHex -> {
        Scratch scratch = SCRATCH.get();
        scratch.inner.copyFrom(inner).update(requestHashHex).digestInto(scratch.innerHash, 0);
        return scratch.outer.copyFrom(outer).update(scratch.innerHash).digest();
      };
    }

    private DayKey dayKey(String date) {
      DayKey cached = dayKey;
      if (cached != null && cached.date().equals(date)) {
        return cached;
      }
      byte[] key = hmac((keyPrefix + secret).getBytes(StandardCharsets.UTF_8), date);
      key = hmac(key, region);
      key = hmac(key, service);
      byte[] signingKey = hmac(key, terminator); // 32 bytes: shorter than a block, zero-padded
      DayKey derived = new DayKey(date, padded(signingKey, 0x36), padded(signingKey, 0x5c));
      dayKey = derived;
      return derived;
    }

    private static Sha256 padded(byte[] key, int pad) {
      byte[] block = Arrays.copyOf(key, Sha256.BLOCK);
      for (int i = 0; i < block.length; i++) {
        block[i] ^= (byte) pad;
      }
      return Sha256.create().update(block);
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

  /** SHA256withRSA (PKCS #1 v1.5) with a service account's private key. */
  private static final class RsaSignature implements KeySigner {
    private final ThreadLocal<Signature> rsa;

    RsaSignature(PrivateKey privateKey) {
      Objects.requireNonNull(privateKey, "privateKey is null");
      this.rsa =
          ThreadLocal.withInitial(
              () -> {
                try {
                  Signature signature = Signature.getInstance("SHA256withRSA");
                  signature.initSign(privateKey);
                  return signature;
                } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                  throw new IllegalStateException("cannot sign with this private key", e);
                }
              });
      rsa.get(); // an unusable key fails here, at startup, not on the first URL
    }

    @Override
    public PreparedSigner prepare(String date, byte[] head) {
      return requestHashHex -> {
        Signature signature = rsa.get();
        try {
          signature.update(head);
          signature.update(requestHashHex);
          return signature.sign(); // leaves it initialised for the next message
        } catch (SignatureException e) {
          throw new IllegalStateException("RSA signing failed", e);
        }
      };
    }
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
}
