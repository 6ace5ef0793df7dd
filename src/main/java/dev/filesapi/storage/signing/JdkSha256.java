package dev.filesapi.storage.signing;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The JDK's SHA-256, which C2 compiles to SHA-NI or AVX2 instructions; a copy is a clone. */
final class JdkSha256 implements Sha256 {
  private MessageDigest digest;

  JdkSha256() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  @Override
  public Sha256 copyFrom(Sha256 saved) {
    try {
      digest = (MessageDigest) ((JdkSha256) saved).digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the SHA-256 digest cannot be copied", e);
    }
    return this;
  }

  @Override
  public Sha256 update(byte[] data, int offset, int count) {
    digest.update(data, offset, count);
    return this;
  }

  @Override
  public void digestInto(byte[] out, int offset) {
    try {
      digest.digest(out, offset, LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
    }
  }
}
