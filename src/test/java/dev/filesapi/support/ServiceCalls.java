package dev.filesapi.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain JSON calls to a service started as its own process ({@link PackagedApp}), as one API key:
 * for the tests that stop, kill or drain it, where a REST-assured client in the test's JVM has no
 * place.
 */
public final class ServiceCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      ConformingHttpClient.wrap(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  private final String apiKey;

  public ServiceCalls(String apiKey) {
    this.apiKey = apiKey;
  }

  /**
   * The request, with the key and, when there is a body, {@code Content-Type: application/json}.
   */
  public HttpRequest request(URI base, String method, String path, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(90))
            .header("Authorization", "Bearer " + apiKey);
    if (body == null) {
      return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    return builder
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  public HttpResponse<String> send(URI base, String method, String path, String body)
      throws Exception {
    return http.send(request(base, method, path, body), HttpResponse.BodyHandlers.ofString());
  }

  /** The client the calls go through, for requests of other shapes (a part's PUT, async sends). */
  public HttpClient http() {
    return http;
  }

  /** The answer's JSON body, once it is asserted to be a {@code 200}. */
  public static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
