package dev.filesapi.storage.gcs;

import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpResponseException;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.HttpStorageOptions;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.StoreDeadlines;
import dev.filesapi.storage.signing.SigV4QuerySigner;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Whole-object calls (HEAD, GET, PUT, DELETE) on the Cloud Storage XML API, with the client's own
 * transport and credentials. The XML API rather than the JSON one so that every call of the backend
 * speaks one protocol, the one the multipart upload needs anyway (and the one a local S3-style test
 * server answers).
 */
final class GcsObjects {
  private final HttpRequestFactory requests;
  private final String bucketUrl;
  private final StoreDeadlines deadlines;

  GcsObjects(HttpStorageOptions options, String bucket, StoreDeadlines deadlines) {
    this.deadlines = deadlines;
    HttpTransportOptions transport = (HttpTransportOptions) options.getTransportOptions();
    this.requests =
        transport
            .getHttpTransportFactory()
            .create()
            .createRequestFactory(transport.getHttpRequestInitializer(options));
    String host = options.getHost();
    this.bucketUrl = (host.endsWith("/") ? host : host + "/") + bucket;
  }

  /** Size and CRC32C (from {@code x-goog-hash}) of an object, empty when there is none. */
  Optional<ObjectStat> head(String key) throws IOException {
    HttpResponse response;
    try {
      response = timed(requests.buildHeadRequest(objectUrl(key)), deadlines.control()).execute();
    } catch (HttpResponseException e) {
      if (e.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    try {
      Long length = response.getHeaders().getContentLength();
      return Optional.of(
          new ObjectStat(
              length == null ? 0 : length,
              crc32c(response.getHeaders().getHeaderStringValues("x-goog-hash"))));
    } finally {
      response.disconnect();
    }
  }

  /** {@code x-goog-hash: crc32c=AAAAAA==, md5=…}: the base64 big-endian CRC32C. */
  private static Optional<String> crc32c(List<String> hashes) {
    for (String header : hashes) {
      for (String hash : header.split(",")) {
        String trimmed = hash.trim();
        if (trimmed.startsWith("crc32c=")) {
          return Optional.of(trimmed.substring("crc32c=".length()));
        }
      }
    }
    return Optional.empty();
  }

  InputStream get(String key) throws IOException {
    // The read timeout bounds the wait for the answer and each read of the body after it.
    return timed(requests.buildGetRequest(objectUrl(key)), deadlines.control())
        .execute()
        .getContent();
  }

  void put(String key, String contentType, byte[] content, int length) throws IOException {
    ByteArrayContent body = new ByteArrayContent(contentType, content, 0, length);
    timed(requests.buildPutRequest(objectUrl(key), body), deadlines.put(length))
        .execute()
        .disconnect();
  }

  /** One part of a multipart upload (the store's one-based number); returns its ETag. */
  String putPart(String key, String uploadId, int storePartNumber, byte[] content, int length)
      throws IOException {
    GenericUrl url = objectUrl(key);
    url.set("partNumber", storePartNumber);
    url.set("uploadId", uploadId);
    ByteArrayContent body = new ByteArrayContent(null, content, 0, length);
    HttpResponse response =
        timed(requests.buildPutRequest(url, body), deadlines.put(length)).execute();
    try {
      return response.getHeaders().getETag();
    } finally {
      response.disconnect();
    }
  }

  /** Deletes an object; an absent one counts as deleted. */
  void delete(String key) throws IOException {
    try {
      timed(requests.buildDeleteRequest(objectUrl(key)), deadlines.control())
          .execute()
          .disconnect();
    } catch (HttpResponseException e) {
      if (e.getStatusCode() != 404
          || "NoSuchBucket".equals(GcsStorageBackend.ErrorAnswer.of(e.getContent()).code())) {
        throw e;
      }
    }
  }

  /** Lists at most one object: the bucket exists and the credentials may read it. */
  void listOne() throws IOException {
    timed(
            requests.buildGetRequest(new GenericUrl(bucketUrl + "?max-keys=1", true)),
            deadlines.control())
        .execute()
        .disconnect();
  }

  /**
   * Bounds a single-attempt call (these calls are not retried): connecting by the control attempt
   * deadline, sending the body and each wait for the answer's bytes by the call's deadline.
   */
  private HttpRequest timed(HttpRequest request, StoreDeadlines.Deadline deadline) {
    int total = GcsStorageBackend.millis(deadline.total());
    return request
        .setConnectTimeout(GcsStorageBackend.millis(deadlines.control().attempt()))
        .setReadTimeout(total)
        .setWriteTimeout(total);
  }

  private GenericUrl objectUrl(String key) {
    return new GenericUrl(bucketUrl + "/" + SigV4QuerySigner.encodePath(key), true);
  }
}
