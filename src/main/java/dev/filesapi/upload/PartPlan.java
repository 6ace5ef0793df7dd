package dev.filesapi.upload;

import dev.filesapi.storage.BackendCapabilities;

/**
 * How a file is split into parts: every part but the last is {@code partSize} bytes. Starts from
 * the preferred part size and grows it in whole MiB until the part count fits the backend.
 */
public record PartPlan(long numBytes, long partSize, int numParts) {
  public static final long MIB = 1024L * 1024L;

  /** An unplanned upload's: no size, part size or count until its complete learns them. */
  public static final PartPlan UNPLANNED = new PartPlan(0, 0, 0);

  /** The contract's largest file: 250 GB. */
  public static final long MAX_FILE_BYTES = 250_000_000_000L;

  public static PartPlan of(long numBytes, long preferredPartSize, BackendCapabilities limits) {
    if (numBytes < 1 || numBytes > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(
          "numBytes must be between 1 and " + MAX_FILE_BYTES + ", was " + numBytes);
    }
    if (preferredPartSize < limits.minPartSize() || preferredPartSize > limits.maxPartSize()) {
      throw new IllegalArgumentException(
          "part size "
              + preferredPartSize
              + " is outside the backend's limits ["
              + limits.minPartSize()
              + ", "
              + limits.maxPartSize()
              + "]");
    }
    long partSize = preferredPartSize;
    if (ceilDiv(numBytes, partSize) > limits.maxParts()) {
      long smallestFitting = ceilDiv(numBytes, limits.maxParts());
      long growth = ceilDiv(smallestFitting - preferredPartSize, MIB) * MIB;
      partSize = preferredPartSize + growth;
    }
    if (partSize > limits.maxPartSize()) {
      throw new IllegalArgumentException(
          numBytes + " bytes need parts larger than the backend's maximum part size");
    }
    return new PartPlan(numBytes, partSize, (int) ceilDiv(numBytes, partSize));
  }

  public long offset(int partNumber) {
    return partNumber * partSize;
  }

  public long length(int partNumber) {
    return partNumber == numParts - 1 ? numBytes - offset(partNumber) : partSize;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
