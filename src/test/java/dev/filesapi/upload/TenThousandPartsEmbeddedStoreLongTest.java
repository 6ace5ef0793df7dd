package dev.filesapi.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.BigStoreResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Issue 24: a 10,000-part upload (S3's most) on the embedded default's store: the plan of 10,000
 * parts, their PUTs, a checkpoint of all 10,000, and the complete of 10,000 parts sent as the
 * source API's Python client sends it; registered with its size, and the bucket holds exactly the
 * file (no part left). The parts are 64 KiB ({@link SmallPartsStore} lowers the service's minimum
 * for this test only; the store lets them through, {@code SmallPartsS3Proxy}): at S3's 5 MiB
 * minimum the upload would be ~49 GiB, and its complete on a filesystem store ~98 GiB of disk. Runs
 * with {@code -Dfiles.big.every-store=true} only (CI runs the 10,000 parts on the standalone
 * S3Proxy, {@link TenThousandPartsStandaloneStoreLongTest}, and the 5 GiB case on this store).
 */
@QuarkusTest
@Tag("long")
@EnabledIfSystemProperty(named = "files.big.every-store", matches = "true")
@TestProfile(TenThousandPartsEmbeddedStoreLongTest.SmallParts.class)
@WithTestResource(
    value = BigStoreResource.class,
    initArgs = {
      @ResourceArg(name = BigStoreResource.STORE, value = BigStoreResource.IN_PROCESS),
      @ResourceArg(name = BigStoreResource.SMALL_PARTS, value = "true")
    })
class TenThousandPartsEmbeddedStoreLongTest {
  static final int PARTS = 10_000;

  /** Parts of 64 KiB, accepted by the service's plan through {@link SmallPartsStore}. */
  public static class SmallParts implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("files.upload.part-size", "64K");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(SmallPartsStore.class);
    }
  }

  @Test
  void tenThousandPartsArePlannedCheckpointedCompletedAndRegistered() throws Exception {
    tenThousandParts();
  }

  static void tenThousandParts() throws Exception {
    long size = PARTS * SmallPartsStore.MIN_PART_SIZE;
    BigUploads.Completed done = BigUploads.uploadAndComplete(size, false, true);
    assertThat(done.parts()).isEqualTo(PARTS);
    assertThat(done.attempts()).isLessThanOrEqualTo(3);
    BigUploads.assertObjectsAreFiles();
    BigUploads.delete(done);
  }
}
