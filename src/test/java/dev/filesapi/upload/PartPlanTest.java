package dev.filesapi.upload;

import static dev.filesapi.upload.PartPlan.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.storage.BackendCapabilities;
import dev.filesapi.storage.IntegrityAlgorithm;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Part plans on S3's limits: ±1 around every limit, and every rule checked on every plan. */
class PartPlanTest {
  private static final long GIB = 1024 * MIB;
  private static final long DEFAULT_PART_SIZE = 8 * MIB;
  private static final BackendCapabilities S3 =
      new BackendCapabilities(IntegrityAlgorithm.NONE, 5 * MIB, 5 * GIB, 10_000, true);

  static Stream<Arguments> plans() {
    return Stream.of(
        // numBytes, preferred part size, expected part size, expected number of parts
        Arguments.of(1L, DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, 1),
        Arguments.of(5 * MIB - 1, DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, 1),
        Arguments.of(5 * MIB, DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, 1),
        Arguments.of(5 * MIB + 1, DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, 1),
        Arguments.of(8 * MIB - 1, DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, 1),
        Arguments.of(8 * MIB, DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, 1),
        Arguments.of(8 * MIB + 1, DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, 2),
        Arguments.of(5 * MIB - 1, 5 * MIB, 5 * MIB, 1),
        // FILES_UPLOAD_PART_SIZE=400M plans as the source service does: 500 MiB in 2 parts.
        Arguments.of(500 * MIB, 400 * MIB, 400 * MIB, 2),
        Arguments.of(800 * MIB, 400 * MIB, 400 * MIB, 2),
        Arguments.of(800 * MIB + 1, 400 * MIB, 400 * MIB, 3),
        Arguments.of(5 * MIB, 5 * MIB, 5 * MIB, 1),
        Arguments.of(5 * MIB + 1, 5 * MIB, 5 * MIB, 2),
        Arguments.of(10_000 * DEFAULT_PART_SIZE - 1, DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, 10_000),
        Arguments.of(10_000 * DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, DEFAULT_PART_SIZE, 10_000),
        Arguments.of(10_000 * DEFAULT_PART_SIZE + 1, DEFAULT_PART_SIZE, 9 * MIB, 8_889),
        // 250 GB / 10,000 parts needs 23.84 MiB parts; 24 MiB gives 9,934 full parts and a last
        // one of 2,704,384 bytes.
        Arguments.of(PartPlan.MAX_FILE_BYTES, DEFAULT_PART_SIZE, 24 * MIB, 9_935),
        Arguments.of(PartPlan.MAX_FILE_BYTES, 5 * MIB, 24 * MIB, 9_935),
        Arguments.of(PartPlan.MAX_FILE_BYTES, 5 * GIB, 5 * GIB, 47));
  }

  @ParameterizedTest(name = "{0} bytes, preferred {1} -> {3} parts of {2}")
  @MethodSource("plans")
  void plansWithinS3Limits(long numBytes, long preferred, long partSize, int numParts) {
    PartPlan plan = PartPlan.of(numBytes, preferred, S3);

    assertThat(plan.partSize()).isEqualTo(partSize);
    assertThat(plan.numParts()).isEqualTo(numParts);
    assertObeysEveryRule(plan, preferred, S3);
  }

  @Test
  void lastPartOfTheLargestFileIsTheRemainder() {
    PartPlan plan = PartPlan.of(PartPlan.MAX_FILE_BYTES, DEFAULT_PART_SIZE, S3);

    assertThat(plan.length(plan.numParts() - 1)).isEqualTo(2_704_384L);
  }

  @Test
  void rejectsFilesLargerThan250Gb() {
    assertThatThrownBy(() -> PartPlan.of(PartPlan.MAX_FILE_BYTES + 1, DEFAULT_PART_SIZE, S3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numBytes must be between 1 and 250000000000, was 250000000001");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void rejectsEmptyAndNegativeSizes(long numBytes) {
    assertThatThrownBy(() -> PartPlan.of(numBytes, DEFAULT_PART_SIZE, S3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("numBytes must be between 1 and 250000000000");
  }

  @Test
  void preferredPartSizeMustBeWithinTheBackendLimits() {
    assertThatThrownBy(() -> PartPlan.of(1, 5 * MIB - 1, S3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("part size 5242879 is outside the backend's limits [5242880, 5368709120]");
    assertThatThrownBy(() -> PartPlan.of(1, 5 * GIB + 1, S3))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(PartPlan.of(1, 5 * MIB, S3).partSize()).isEqualTo(5 * MIB);
    assertThat(PartPlan.of(1, 5 * GIB, S3).partSize()).isEqualTo(5 * GIB);
  }

  @Test
  void rejectsFilesThatNeedPartsAboveTheMaximum() {
    BackendCapabilities tiny =
        new BackendCapabilities(IntegrityAlgorithm.NONE, 5 * MIB, 8 * MIB, 10, true);

    assertThat(PartPlan.of(80 * MIB, 5 * MIB, tiny).partSize()).isEqualTo(8 * MIB);
    assertThatThrownBy(() -> PartPlan.of(80 * MIB + 1, 5 * MIB, tiny))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("83886081 bytes need parts larger than the backend's maximum part size");
  }

  /**
   * PartPlan grows in whole MiB, so limits in bytes would make a sweep meaningless; this keeps real
   * part sizes and shrinks the part count to 10, so growth happens every few MiB.
   */
  @Test
  void everySizeUpToThreeTimesTheCapacityObeysEveryRule() {
    BackendCapabilities fewParts =
        new BackendCapabilities(IntegrityAlgorithm.NONE, 5 * MIB, 5 * GIB, 10, true);
    long preferred = 5 * MIB;
    long limit = fewParts.maxParts() * preferred * 3;
    int planned = 0;
    for (long numBytes = 1; numBytes <= limit; numBytes += 4099) {
      assertObeysEveryRule(PartPlan.of(numBytes, preferred, fewParts), preferred, fewParts);
      planned++;
    }
    for (long mib = 1; mib * MIB <= limit; mib++) {
      for (long numBytes = mib * MIB - 1; numBytes <= mib * MIB + 1; numBytes++) {
        assertObeysEveryRule(PartPlan.of(numBytes, preferred, fewParts), preferred, fewParts);
        planned++;
      }
    }
    assertThat(planned).isGreaterThan(38_000);
  }

  /** With a low maximum part size, every size either plans within the rules or is refused. */
  @Test
  void everySizeAroundTheMaximumPartSizePlansOrIsRefused() {
    BackendCapabilities tiny =
        new BackendCapabilities(IntegrityAlgorithm.NONE, 5 * MIB, 8 * MIB, 10, true);
    long preferred = 6 * MIB;
    long capacity = tiny.maxParts() * tiny.maxPartSize();
    for (long numBytes = 1; numBytes <= capacity + 5 * MIB; numBytes += 997) {
      long size = numBytes;
      if (size <= capacity) {
        assertObeysEveryRule(PartPlan.of(size, preferred, tiny), preferred, tiny);
      } else {
        assertThatThrownBy(() -> PartPlan.of(size, preferred, tiny))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("maximum part size");
      }
    }
    assertObeysEveryRule(PartPlan.of(capacity, preferred, tiny), preferred, tiny);
    assertThatThrownBy(() -> PartPlan.of(capacity + 1, preferred, tiny))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Every rule a plan must follow, whatever the inputs. */
  private static void assertObeysEveryRule(
      PartPlan plan, long preferred, BackendCapabilities limits) {
    String context = plan + " (preferred " + preferred + ")";
    assertThat(plan.numParts()).as(context).isBetween(1, limits.maxParts());
    if (plan.numParts() > 1) {
      assertThat(plan.partSize()).as(context).isGreaterThanOrEqualTo(limits.minPartSize());
    }
    assertThat(plan.partSize()).as(context).isLessThanOrEqualTo(limits.maxPartSize());
    assertThat((plan.partSize() - preferred) % MIB).as(context).isZero();
    assertThat(plan.partSize()).as(context).isGreaterThanOrEqualTo(preferred);

    long total = 0;
    for (int part = 0; part < plan.numParts(); part++) {
      assertThat(plan.offset(part)).as("%s offset of part %d", context, part).isEqualTo(total);
      long length = plan.length(part);
      if (part < plan.numParts() - 1) {
        assertThat(length).as("%s length of part %d", context, part).isEqualTo(plan.partSize());
      } else {
        assertThat(length).as("%s last part", context).isBetween(1L, plan.partSize());
      }
      total += length;
    }
    assertThat(total).as(context).isEqualTo(plan.numBytes());

    // Smallest growth: one MiB less would need too many parts (or there was no growth at all).
    if (plan.partSize() > preferred) {
      long smaller = plan.partSize() - MIB;
      assertThat(ceilDiv(plan.numBytes(), smaller)).as(context).isGreaterThan(limits.maxParts());
    }
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
