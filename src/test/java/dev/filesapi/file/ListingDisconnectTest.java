package dev.filesapi.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away in the middle of the whole listing ({@code -1}, streamed from a database
 * cursor) ends the query: the service's database connection leaves its transaction and returns to
 * the pool within seconds, instead of reading the organization's remaining files for nobody.
 */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class ListingDisconnectTest {
  private static final int FILES = 300_000;

  /** The listing query as pg_stat_activity shows it, while a connection is still inside it. */
  private static final String LISTING_IN_PROGRESS =
      "select count(*) from pg_stat_activity where query like 'select f.file_id%order by"
          + " f.file_index' and state <> 'idle' and pid <> pg_backend_pid()";

  @Inject DataSource dataSource;

  @Test
  void aClientThatDisconnectsMidListingEndsTheQuery() throws Exception {
    String key = Tenants.newOrganizationKey("disconnect-" + UUID.randomUUID());
    seed(Tenants.organizationOf(key), FILES);

    try (Socket socket = new Socket("localhost", RestAssured.port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /v1/files/metadata HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + key
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] start = in.readNBytes(64 * 1024);
      assertThat(new String(start, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
      assertThat(inProgress()).as("the listing is running while the client reads").isEqualTo(1);
    }

    long closed = System.nanoTime();
    long deadline = closed + Duration.ofSeconds(10).toNanos();
    while (inProgress() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Duration toEnd = Duration.ofNanos(System.nanoTime() - closed);
    assertThat(inProgress()).as("listing queries left after the client went away").isZero();
    Duration whole = wholeListing(key);
    System.out.printf(
        "ListingDisconnectTest: the query ended %d ms after the client left; the whole listing"
            + " of %d files takes %d ms%n",
        toEnd.toMillis(), FILES, whole.toMillis());
    // Ended long before reading the rest would have: the query stopped, it did not run out.
    assertThat(toEnd).isLessThan(whole.dividedBy(3));
  }

  /** How long the same listing takes when it is read to the end. */
  private static Duration wholeListing(String key) throws Exception {
    long started = System.nanoTime();
    try (Socket socket = new Socket("localhost", RestAssured.port)) {
      socket
          .getOutputStream()
          .write(
              ("GET /v1/files/metadata HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                      + "Authorization: Bearer "
                      + key
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getInputStream().transferTo(OutputStream.nullOutputStream());
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private long inProgress() throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(LISTING_IN_PROGRESS);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private void seed(String organizationId, int files) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement seed =
            connection.prepareStatement(
                """
                insert into stored_file (file_uid, organization_id, file_id, file_type, num_bytes,
                    status, storage_key, backend, created_at)
                select 'fil_' || md5(o.id || n), o.id, 'disconnect/' || n || '.bin',
                       'application/octet-stream', 1000, 'REGISTERED',
                       'orgs/' || o.id || '/files/' || n, 's3', now()
                from (select ?::text as id) o cross join generate_series(1, ?) as n
                """)) {
      seed.setString(1, organizationId);
      seed.setInt(2, files);
      assertThat(seed.executeUpdate()).isEqualTo(files);
    }
  }
}
