package dev.filesapi.support;

import io.restassured.RestAssured;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension ({@code @ExtendWith(PackagedService.class)}): the packaged application ({@link
 * PackagedApp}, its prod profile) on the test resources' PostgreSQL and S3Proxy ({@link
 * FilesTestResource}, their settings passed as system properties), started once for every class
 * that uses it and stopped after the last one. Rest-assured points at it, so {@link Api}'s static
 * calls reach it as they reach a {@code @QuarkusTest} application.
 */
public final class PackagedService implements BeforeAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PackagedService.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Running running =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(Running.class, type -> Running.start(), Running.class);
    RestAssured.baseURI = "http://" + running.base().getHost();
    RestAssured.port = running.base().getPort();
  }

  /** The application and what it runs on, closed by JUnit when the whole run ends. */
  @SuppressWarnings("deprecation") // CloseableResource: closed by JUnit 5 and 6 alike
  private record Running(FilesTestResource resources, PackagedApp app, URI base)
      implements ExtensionContext.Store.CloseableResource {
    static Running start() {
      FilesTestResource resources = new FilesTestResource();
      resources.init(Map.of());
      List<String> options =
          resources.start().entrySet().stream()
              .map(setting -> "-D" + setting.getKey() + "=" + setting.getValue())
              .toList();
      PackagedApp app = null;
      try {
        app = PackagedApp.start("packaged-service-", options);
        return new Running(resources, app, app.awaitReady(Duration.ofMinutes(3)));
      } catch (Exception | AssertionError e) {
        try {
          PackagedApp.closeAll(app, resources::stop);
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
        throw new IllegalStateException("the packaged application did not start", e);
      }
    }

    @Override
    public void close() throws Exception {
      PackagedApp.closeAll(app, resources::stop);
    }
  }
}
