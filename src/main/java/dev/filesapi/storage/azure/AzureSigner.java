package dev.filesapi.storage.azure;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs with the account key, locally: the Shared Key {@code Authorization} of the service's own
 * calls, and the service SAS of the URLs handed to clients (a part's Put Block, a download's Get
 * Blob). Both are an HMAC-SHA256 of a canonical string, microseconds each.
 */
final class AzureSigner {
  /**
   * The Blob service version every call and SAS speaks (blocks up to 4,000 MiB since 2019-12-12).
   */
  static final String VERSION = "2021-08-06";

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private final AzureAccount account;
  private final SecretKeySpec key;

  AzureSigner(AzureAccount account) {
    this.account = account;
    this.key = new SecretKeySpec(account.key(), "HmacSHA256");
  }

  static String httpDate(Instant when) {
    return HTTP_DATE.format(when);
  }

  /**
   * The {@code Authorization} header of a call: {@code SharedKey ACCOUNT:SIGNATURE}.
   *
   * @param rawPath the request's path as sent (percent-encoded)
   * @param query the request's query parameters, decoded
   * @param headers every header sent, {@code x-ms-date} and {@code x-ms-version} among them
   */
  String sharedKey(
      String method,
      String rawPath,
      Map<String, String> query,
      Map<String, String> headers,
      long contentLength) {
    Map<String, String> lower = new TreeMap<>();
    headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value.strip()));
    StringBuilder text = new StringBuilder(256);
    text.append(method).append('\n');
    text.append(lower.getOrDefault("content-encoding", "")).append('\n');
    text.append(lower.getOrDefault("content-language", "")).append('\n');
    text.append(contentLength > 0 ? Long.toString(contentLength) : "").append('\n');
    text.append(lower.getOrDefault("content-md5", "")).append('\n');
    text.append(lower.getOrDefault("content-type", "")).append('\n');
    text.append('\n'); // Date: x-ms-date is sent instead
    text.append(lower.getOrDefault("if-modified-since", "")).append('\n');
    text.append(lower.getOrDefault("if-match", "")).append('\n');
    text.append(lower.getOrDefault("if-none-match", "")).append('\n');
    text.append(lower.getOrDefault("if-unmodified-since", "")).append('\n');
    text.append(lower.getOrDefault("range", "")).append('\n');
    lower.forEach(
        (name, value) -> {
          if (name.startsWith("x-ms-")) {
            text.append(name).append(':').append(value).append('\n');
          }
        });
    text.append('/').append(account.name()).append(rawPath);
    new TreeMap<>(query)
        .forEach(
            (name, value) ->
                text.append('\n').append(name.toLowerCase(Locale.ROOT)).append(':').append(value));
    return "SharedKey " + account.name() + ":" + hmac(text.toString());
  }

  /**
   * A service SAS for one blob, as query parameters to append to its URL.
   *
   * @param container the container
   * @param blob the blob's name, not encoded
   * @param permissions {@code w} to write blocks, {@code r} to read
   * @param contentDisposition the {@code Content-Disposition} a read answers with, or null
   */
  String blobSas(
      String container,
      String blob,
      String permissions,
      Instant expiresAt,
      String contentDisposition) {
    String expiry = expiresAt.truncatedTo(ChronoUnit.SECONDS).toString();
    String disposition = contentDisposition == null ? "" : contentDisposition;
    String text =
        String.join(
            "\n",
            permissions,
            "", // signed start: valid at once
            expiry,
            "/blob/" + account.name() + "/" + container + "/" + blob,
            "", // stored access policy
            "", // IP range
            "", // protocol
            VERSION,
            "b",
            "", // snapshot
            "", // encryption scope
            "", // rscc
            disposition,
            "", // rsce
            "", // rscl
            ""); // rsct
    StringBuilder query = new StringBuilder(160);
    query.append("sv=").append(VERSION);
    query.append("&sr=b&sp=").append(permissions);
    query.append("&se=").append(encode(expiry));
    if (!disposition.isEmpty()) {
      query.append("&rscd=").append(encode(disposition));
    }
    query.append("&sig=").append(encode(hmac(text)));
    return query.toString();
  }

  private String hmac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** A query parameter's value, percent-encoded (spaces as %20). */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  /** A blob name as a URL path: each segment percent-encoded, the slashes kept. */
  static String path(String name) {
    StringBuilder path = new StringBuilder(name.length() + 16);
    String[] segments = name.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        path.append('/');
      }
      path.append(encode(segments[i]).replace("%7E", "~"));
    }
    return path.toString();
  }
}
