package dev.filesapi.upload;

import dev.filesapi.storage.BackendCapabilities;
import dev.filesapi.storage.IntegrityAlgorithm;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The part plan of a 250 GB upload at the default 8 MiB preference (grows to 24 MiB). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PartPlanBench {
  static final BackendCapabilities S3 =
      new BackendCapabilities(
          IntegrityAlgorithm.NONE, 5 * PartPlan.MIB, 5 * 1024 * PartPlan.MIB, 10_000, true);

  long numBytes = PartPlan.MAX_FILE_BYTES;

  @Benchmark
  public PartPlan plan() {
    return PartPlan.of(numBytes, 8 * PartPlan.MIB, S3);
  }

  /** The plan and every part's offset and length, as initiate's descriptors need them. */
  @Benchmark
  public long planAndEveryPart() {
    PartPlan plan = PartPlan.of(numBytes, 8 * PartPlan.MIB, S3);
    long sum = 0;
    for (int part = 0; part < plan.numParts(); part++) {
      sum += plan.offset(part) + plan.length(part);
    }
    return sum;
  }
}
