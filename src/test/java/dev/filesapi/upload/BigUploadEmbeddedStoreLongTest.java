package dev.filesapi.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.BigStoreResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 24: 5 GiB in 640 parts of 8 MiB on the embedded default's store (S3Proxy over the local
 * disk in this JVM, whose complete copies every byte), completed as the source API's Python client
 * does: registered with its size within the client's three attempts, and the bucket holds exactly
 * the registered file. {@code -Dfiles.big.bytes=N,N,…} runs other sizes one after another (the
 * benchmark in BENCHMARKS.md), {@code -Dfiles.big.complete-delay=120s} puts the delaying relay in
 * front of the store (the complete is then sent until {@code 200}).
 */
@QuarkusTest
@Tag("long")
@TestProfile(LargeCompleteLongTest.EightMiBParts.class)
@WithTestResource(
    value = BigStoreResource.class,
    initArgs = @ResourceArg(name = BigStoreResource.STORE, value = BigStoreResource.IN_PROCESS))
class BigUploadEmbeddedStoreLongTest {
  static final long FIVE_GIB = 5L << 30;

  @Test
  void fiveGibIn640PartsIsRegisteredAndTheBucketHoldsOnlyItsObject() throws Exception {
    bigUploads();
  }

  /** Each size: uploaded, completed, objects = files, then deleted to free the disk. */
  static void bigUploads() throws Exception {
    boolean relay = BigStoreResource.relay().isPresent();
    for (long size : BigUploads.sizes(FIVE_GIB)) {
      BigUploads.Completed done = BigUploads.uploadAndComplete(size, relay);
      if (size == FIVE_GIB) {
        assertThat(done.parts()).isEqualTo(640);
      }
      if (!relay) {
        assertThat(done.attempts()).isLessThanOrEqualTo(3);
      }
      BigUploads.assertObjectsAreFiles();
      BigUploads.delete(done);
    }
  }
}
