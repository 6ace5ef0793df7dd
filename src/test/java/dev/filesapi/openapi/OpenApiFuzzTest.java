package dev.filesapi.openapi;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;

/** {@link OpenApiFuzzing} for 10 seconds, in the fast suite. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class OpenApiFuzzTest extends OpenApiFuzzing {
  @Override
  Duration budget() {
    return budget(Duration.ofSeconds(10));
  }
}
