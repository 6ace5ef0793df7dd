package dev.filesapi.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.problem.ApiException;
import dev.filesapi.problem.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamingTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "report.pdf",
        "dir/sub/file.txt",
        "../../etc/passwd",
        "C:\\Windows\\system32",
        "ünïcode 日本語 😀.txt",
        " leading and trailing spaces ",
        "line\u2028separator"
      })
  void acceptsAnyPrintableName(String filename) {
    // Names are never storage keys, so traversal-looking names are just names.
    assertThatCode(() -> FileNaming.requireValidFilename("filename", filename))
        .doesNotThrowAnyException();
  }

  @Test
  void limitsTheNameTo1024BytesOfUtf8() {
    assertValid("a".repeat(1024));
    assertInvalid("a".repeat(1025), "must be at most 1024 bytes of UTF-8");

    assertValid("é".repeat(512));
    assertInvalid("é".repeat(512) + "a", "must be at most 1024 bytes of UTF-8");
    assertInvalid("é".repeat(600), "must be at most 1024 bytes of UTF-8");

    assertValid("😀".repeat(256));
    assertInvalid("😀".repeat(257), "must be at most 1024 bytes of UTF-8");
  }

  @Test
  void rejectsEmptyAndMissingNames() {
    assertInvalid("", "must not be empty");
    assertInvalid(null, "must not be empty");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "nul\u0000",
        "new\nline",
        "carriage\rreturn",
        "tab\t",
        "del\u007f",
        "nel\u0085",
        "\u001b[31m"
      })
  void rejectsControlCharacters(String filename) {
    assertInvalid(filename, "must not contain control characters");
  }

  @Test
  void rejectsBrokenSurrogates() {
    assertInvalid("lone \uD800 surrogate", "must be valid Unicode");
    assertInvalid("reversed \uDE00\uD83D", "must be valid Unicode");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/octet-stream",
        "text/plain; charset=utf-8",
        "text/plain;charset=UTF-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "multipart/form-data; boundary=\"a b c\"",
        "image/svg+xml",
        "application/x-test-0b9f3c1e-8d2a-4f7e-9c61-2f4d5e6a7b8c"
      })
  void acceptsMimeTypes(String mimeType) {
    assertThatCode(() -> FileNaming.requireValidMimeType("file_type", mimeType))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "text",
        "a/b/c",
        "text/plain\n",
        "text/plain\r\nX-Injected: 1",
        "/plain",
        "text/",
        "text /plain",
        "text/plain; charset",
        "tëxt/plain"
      })
  void rejectsMalformedMimeTypes(String mimeType) {
    assertInvalidMimeType(mimeType);
  }

  @Test
  void rejectsNullAndOverlongMimeTypes() {
    assertInvalidMimeType(null);
    String fits = "text/plain; a=" + "x".repeat(120) + "; b=" + "y".repeat(117);
    assertThat(fits).hasSize(255);
    assertThatCode(() -> FileNaming.requireValidMimeType("file_type", fits))
        .doesNotThrowAnyException();

    String tooLong = fits + "y";
    assertThat(tooLong).hasSize(256);
    assertInvalidMimeType(tooLong);
    assertInvalidMimeType(fits + "; c=" + "z".repeat(41));
    assertInvalidMimeType("application/" + "x".repeat(288));
  }

  private static void assertValid(String filename) {
    assertThatCode(() -> FileNaming.requireValidFilename("filename", filename))
        .doesNotThrowAnyException();
  }

  private static void assertInvalid(String filename, String message) {
    assertThatThrownBy(() -> FileNaming.requireValidFilename("filename", filename))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("validation_failed");
              assertThat(e.errors()).containsExactly(new Problem.FieldError("filename", message));
            });
  }

  private static void assertInvalidMimeType(String mimeType) {
    assertThatThrownBy(() -> FileNaming.requireValidMimeType("file_type", mimeType))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("validation_failed");
              assertThat(e.errors())
                  .extracting(Problem.FieldError::field)
                  .containsExactly("file_type");
            });
  }
}
