package dev.filesapi.upload;

import dev.filesapi.support.BigStoreResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue 24: as {@link BigUploadEmbeddedStoreLongTest}, on S3Proxy 2.6.0 run as its own process with
 * its stock settings over the local disk ({@code S3ProxyProcess}), the service configured with the
 * README's S3 settings. Runs with {@code -Dfiles.big.every-store=true} only (CI runs the 5 GiB case
 * on the embedded default's store and the 10,000 parts on this one, to keep the long suite short).
 */
@QuarkusTest
@Tag("long")
@EnabledIfSystemProperty(named = "files.big.every-store", matches = "true")
@TestProfile(LargeCompleteLongTest.EightMiBParts.class)
@WithTestResource(
    value = BigStoreResource.class,
    initArgs = @ResourceArg(name = BigStoreResource.STORE, value = BigStoreResource.STANDALONE))
class BigUploadStandaloneStoreLongTest {
  @Test
  void fiveGibIn640PartsIsRegisteredAndTheBucketHoldsOnlyItsObject() throws Exception {
    BigUploadEmbeddedStoreLongTest.bigUploads();
  }
}
