package dev.filesapi.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a refusal says: the store's words for the log, only its error code for clients. */
class StorageRejectedExceptionTest {

  @Test
  void theMessageNamesActionStatusCodeAndTheStoresMessage() {
    var e = new StorageRejectedException("S3 put object", 403, "AccessDenied", " Access Denied\n");

    assertThat(e.getMessage()).isEqualTo("S3 put object refused: 403 AccessDenied: Access Denied");
    assertThat(e.errorCode()).isEqualTo("AccessDenied");
    assertThat(e.status()).isEqualTo(403);
  }

  @Test
  void withoutACodeTheStatusStandsIn() {
    var e = new StorageRejectedException("S3 head bucket", 403, null, null);

    assertThat(e.errorCode()).isEqualTo("HTTP 403");
    assertThat(e.getMessage()).isEqualTo("S3 head bucket refused: 403 (no error code)");
  }

  @Test
  void aCodeThatIsNoCodeIsNotPassedOn() {
    var e = new StorageRejectedException("GCS list bucket", 400, "<b>not a code</b>", "m");

    assertThat(e.errorCode()).isEqualTo("HTTP 400");
  }

  @Test
  void aLongStoreMessageIsCut() {
    var e = new StorageRejectedException("S3 x", 400, "InvalidArgument", "m".repeat(1000));

    assertThat(e.getMessage()).hasSizeLessThan(400).endsWith("…");
  }
}
