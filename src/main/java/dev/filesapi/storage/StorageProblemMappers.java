package dev.filesapi.storage;

import dev.filesapi.problem.ApiException;
import dev.filesapi.problem.ProblemMappers;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The store's failures as problem bodies: 503 while it is unavailable, 502 when it refuses. */
public class StorageProblemMappers {
  private static final Logger LOG = Logger.getLogger(StorageProblemMappers.class);

  @ServerExceptionMapper
  public Response storageUnavailable(StorageUnavailableException e) {
    LOG.warnf("object store unavailable: %s", e.getMessage());
    return ProblemMappers.response(
        ApiException.withHeaders(
            503,
            "storage_unavailable",
            "The object store is unavailable; retry later",
            Map.of("Retry-After", "5")));
  }

  /**
   * The store refused the request in a way retrying cannot cure: an operator must fix the storage
   * configuration. Logged once, with the store's message; the client sees only its error code.
   */
  @ServerExceptionMapper
  public Response storageRejected(StorageRejectedException e) {
    LOG.errorf("object store: %s", e.getMessage());
    return ProblemMappers.response(
        ApiException.of(
            502,
            "storage_rejected",
            "The object store refused the request ("
                + e.errorCode()
                + "); retrying will not help until the storage configuration is fixed"));
  }
}
