package dev.filesapi.openapi;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Tag;

/** {@link OpenApiFuzzing} for a minute: one of the {@code long} tests. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
@Tag("long")
class OpenApiFuzzLongTest extends OpenApiFuzzing {
  @Override
  Duration budget() {
    return budget(Duration.ofMinutes(1));
  }
}
