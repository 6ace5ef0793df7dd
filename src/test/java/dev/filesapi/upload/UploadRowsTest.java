package dev.filesapi.upload;

import static dev.filesapi.support.Api.as;
import static dev.filesapi.upload.UploadTestSupport.KEY;
import static dev.filesapi.upload.UploadTestSupport.MIB;
import static dev.filesapi.upload.UploadTestSupport.initiate;
import static dev.filesapi.upload.UploadTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filesapi.database.DatabaseUnavailableException;
import dev.filesapi.problem.ApiException;
import dev.filesapi.support.FilesTestResource;
import dev.filesapi.support.Tenants;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The plain read of an upload's row: the same upload as the entity, the same 404s, 503s. */
@QuarkusTest
@WithTestResource(FilesTestResource.class)
class UploadRowsTest {
  @Inject UploadRows rows;
  @Inject DataSource dataSource;

  @Test
  void readsEveryColumnAsTheEntityDoes() throws SQLException {
    // An organization of its own: the odd row below shows in no other test's listing.
    String key = Tenants.newOrganizationKey("rows-" + UUID.randomUUID());
    String organization = Tenants.organizationOf(key);
    String planned = initiate(key, unique("rows-planned"), 6L * MIB).getString("upload_id");
    String unplanned =
        as(key)
            .body(Map.of("filename", unique("rows-unplanned"), "type", "text/plain"))
            .post("/v1/uppy/s3/multipart")
            .then()
            .statusCode(200)
            .extract()
            .path("uploadId");
    // Every nullable column holds a value in one row and null (or an unknown size) in the other.
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "update upload set completed_at = now(), completing_until = now() + interval '1"
                    + " minute', failure_code = 'some_code', failure_detail = 'some detail'"
                    + " where id = ?")) {
      update.setString(1, planned);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }

    for (String id : List.of(planned, unplanned)) {
      Upload plain = rows.require(organization, id);
      Upload managed = QuarkusTransaction.requiringNew().call(() -> Upload.findById(id));
      assertThat(plain)
          .usingRecursiveComparison()
          .ignoringFieldsMatchingRegexes(".*hibernate.*")
          .isEqualTo(managed);
    }
    Upload withFailure = rows.require(organization, planned);
    assertThat(withFailure.failureCode).isEqualTo("some_code");
    assertThat(withFailure.completingUntil).isAfter(withFailure.completedAt);
    assertThat(withFailure.numParts).isEqualTo(2);
    Upload unsized = rows.require(organization, unplanned);
    assertThat(unsized.planned()).isFalse();
    assertThat(unsized.numBytes).isZero();
    assertThat(unsized.numParts).isZero();
    assertThat(unsized.completedAt).isNull();
  }

  @Test
  void anotherOrganizationsUploadIsNotFoundLikeAnUnknownOne() {
    String id = initiate(KEY, unique("rows-private"), MIB).getString("upload_id");
    String stranger = Tenants.organizationOf(Tenants.newOrganizationKey("rows-stranger"));
    String unknown = "upl_" + "0".repeat(26);

    assertThat(rows.require(Tenants.organizationOf(KEY), id).id).isEqualTo(id);
    for (String[] organizationAndId :
        List.of(new String[] {stranger, id}, new String[] {Tenants.organizationOf(KEY), unknown})) {
      assertThatThrownBy(() -> rows.require(organizationAndId[0], organizationAndId[1]))
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.code()).isEqualTo("not_found");
                assertThat(e.getMessage())
                    .isEqualTo("Upload " + organizationAndId[1] + " does not exist");
              });
    }
  }

  @Test
  void aDatabaseOutageIsUnavailableAndOtherFailuresAreNot() {
    assertThatThrownBy(() -> new UploadRows(failing("08001")).require("org_x", "upl_x"))
        .isInstanceOf(DatabaseUnavailableException.class)
        .hasMessageContaining("reading an upload");
    assertThatThrownBy(() -> new UploadRows(failing("42601")).require("org_x", "upl_x"))
        .isInstanceOf(IllegalStateException.class)
        .hasRootCauseInstanceOf(SQLException.class);
  }

  /** A data source whose every connection attempt fails with this SQLState. */
  private static DataSource failing(String sqlState) {
    return (DataSource)
        Proxy.newProxyInstance(
            UploadRowsTest.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              throw new SQLException("refused in the test", sqlState);
            });
  }
}
