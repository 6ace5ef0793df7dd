package dev.filesapi.file;

import dev.filesapi.http.RouteBodyLimit;
import dev.filesapi.problem.ApiException;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The simple upload's form ({@code POST /v1/files}) takes its 512 MB file plus the form around it;
 * a body declared over its limit there or on the base64 form is {@code invalid_file_size}, the code
 * the source API's clients read.
 */
@Singleton
class SimpleUploadBodyLimit implements RouteBodyLimit {
  private static final String SIMPLE_UPLOAD = "/v1/files";
  private static final String BASE64_UPLOAD = "/v1/files/base64";

  @Override
  public long limit(HttpMethod method, String path, long maxBodySize) {
    if (method == HttpMethod.POST && SIMPLE_UPLOAD.equals(path)) {
      return Math.min(maxBodySize, FileService.MAX_SIMPLE_FORM_BYTES);
    }
    return maxBodySize;
  }

  @Override
  public Optional<ApiException> tooLarge(String path) {
    if (path.equals(SIMPLE_UPLOAD) || path.equals(BASE64_UPLOAD)) {
      return Optional.of(FileService.fileTooLargeForSimpleUpload());
    }
    return Optional.empty();
  }
}
