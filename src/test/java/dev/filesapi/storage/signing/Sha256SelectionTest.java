package dev.filesapi.storage.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which SHA-256 a JVM gets, decided from its compiler settings, in JVMs started for it; and that
 * the URLs signed with either are the same.
 */
class Sha256SelectionTest {

  /** Prints the implementation {@link Sha256#create} picks in this JVM, and two signed URLs. */
  public static void main(String[] args) {
    System.out.print(Sha256.create().getClass().getSimpleName() + " " + signed());
  }

  private static String signed() {
    SigV4QuerySigner.Batch batch =
        SigV4QuerySigner.aws("AKIDEXAMPLE", "secret", "token", "eu-west-1", "s3")
            .batch(
                "PUT",
                "https://b.s3.eu-west-1.amazonaws.com",
                "b.s3.eu-west-1.amazonaws.com",
                "/orgs/o/files/f",
                java.util.Map.of("uploadId", "a-rather-long-upload-id-as-aws-gives-them"),
                "partNumber",
                java.time.Instant.parse("2026-12-01T10:00:00Z"),
                java.time.Duration.ofHours(1));
    return batch.sign("1") + " " + batch.sign("10000");
  }

  @Test
  void theJdksWhereC2CompilesItThePlainOneUnderC1AloneAndBothSignAlike() throws Exception {
    String here = signed();
    assertThat(chosenWith()).isEqualTo("JdkSha256 " + here);
    assertThat(chosenWith("-XX:-TieredCompilation")).isEqualTo("JdkSha256 " + here);
    assertThat(chosenWith("-XX:TieredStopAtLevel=1")).isEqualTo("PlainSha256 " + here);
  }

  private static String chosenWith(String... options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of(options));
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), Sha256SelectionTest.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }
}
