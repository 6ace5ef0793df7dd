package dev.filesapi.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Scheduled work stops before the application does: a job that fires while the application is
 * stopping finds its beans and container gone (seen once in a rolling restart: the webhook
 * dispatcher's job logged a NullPointerException from {@code Arc.container()} and "Gauge already
 * registered"). Every {@code @Scheduled} method of the service skips while the application is not
 * running.
 */
class ScheduledJobsTest {
  private static final Pattern SCHEDULED =
      Pattern.compile("@Scheduled\\(([^)]*)\\)", Pattern.DOTALL);

  @Test
  void everyScheduledJobSkipsWhileTheApplicationIsNotRunning() throws IOException {
    List<String> jobs = new ArrayList<>();
    List<String> unguarded = new ArrayList<>();
    try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher job = SCHEDULED.matcher(Files.readString(source));
        while (job.find()) {
          jobs.add(source.getFileName() + ": " + job.group(1).strip());
          if (!job.group(1).contains("skipExecutionIf = Scheduled.ApplicationNotRunning.class")) {
            unguarded.add(source.getFileName().toString());
          }
        }
      }
    }
    assertThat(jobs).as("the service's scheduled jobs").hasSizeGreaterThanOrEqualTo(4);
    assertThat(unguarded).as("jobs that may run while the application stops").isEmpty();
  }
}
