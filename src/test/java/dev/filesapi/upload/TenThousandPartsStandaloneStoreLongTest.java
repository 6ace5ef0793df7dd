package dev.filesapi.upload;

import dev.filesapi.support.BigStoreResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 24: as {@link TenThousandPartsEmbeddedStoreLongTest}, on S3Proxy run as its own process
 * over the local disk ({@code S3ProxyProcess.startAllowingSmallParts}: S3Proxy 2.6.0 and its
 * filesystem store, with only the 5 MiB floor of its complete handler lifted).
 */
@QuarkusTest
@Tag("long")
@TestProfile(TenThousandPartsEmbeddedStoreLongTest.SmallParts.class)
@WithTestResource(
    value = BigStoreResource.class,
    initArgs = {
      @ResourceArg(name = BigStoreResource.STORE, value = BigStoreResource.STANDALONE),
      @ResourceArg(name = BigStoreResource.SMALL_PARTS, value = "true")
    })
class TenThousandPartsStandaloneStoreLongTest {
  @Test
  void tenThousandPartsArePlannedCheckpointedCompletedAndRegistered() throws Exception {
    TenThousandPartsEmbeddedStoreLongTest.tenThousandParts();
  }
}
