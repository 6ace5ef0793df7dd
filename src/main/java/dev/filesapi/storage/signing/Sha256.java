package dev.filesapi.storage.signing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * SHA-256 with a state that can be saved and rewound to, for signing thousands of URLs that share a
 * prefix. Not thread-safe; a saved state may be read ({@link #copyFrom}) by any number of threads
 * while nobody updates it.
 */
interface Sha256 {
  int BLOCK = 64;
  int LENGTH = 32;

  /** The implementation that is faster on this JVM: the JDK's where C2 compiles it. */
  static Sha256 create() {
    return Selection.JDK_IS_FAST ? new JdkSha256() : new PlainSha256();
  }

  /** Makes this instance's state that of {@code saved}, which is left as it is. */
  Sha256 copyFrom(Sha256 saved);

  Sha256 update(byte[] data, int offset, int count);

  default Sha256 update(byte[] data) {
    return update(data, 0, data.length);
  }

  /** Writes the digest to {@code out} at {@code offset} and leaves this instance reset. */
  void digestInto(byte[] out, int offset);

  default byte[] digest() {
    byte[] out = new byte[LENGTH];
    digestInto(out, 0);
    return out;
  }

  /** Decided once per JVM. */
  final class Selection {
    /**
     * Whether the JDK's SHA-256 runs as SHA-NI/AVX2 instructions: only C2 compiles its intrinsic,
     * so not with {@code -XX:TieredStopAtLevel=1..3} (the JVM image's C1-only setting). Where the
     * flags cannot be read (a native image), the JDK's.
     */
    static final boolean JDK_IS_FAST = jdkIsFast();

    private Selection() {}

    private static boolean jdkIsFast() {
      try {
        HotSpotDiagnosticMXBean vm =
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        boolean tiered = Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue());
        int stopAt = Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue());
        return !tiered || stopAt >= 4;
      } catch (RuntimeException | LinkageError e) {
        return true;
      }
    }
  }
}
