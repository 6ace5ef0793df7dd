package dev.filesapi.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which error answers of a store are worth a retry (503) and which need an operator (502). */
class StoreFailureTest {

  @ParameterizedTest(name = "{0} {1} is {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        // The store failing on its side, overloaded or throttling: retry.
        "500, InternalError, TRANSIENT",
        "500, -, TRANSIENT",
        "502, -, TRANSIENT",
        "503, SlowDown, TRANSIENT",
        "503, ServiceUnavailable, TRANSIENT",
        "504, -, TRANSIENT",
        "429, -, TRANSIENT",
        "429, TooManyRequestsException, TRANSIENT",
        "408, -, TRANSIENT",
        "400, RequestTimeout, TRANSIENT",
        "400, Throttling, TRANSIENT",
        "400, ThrottlingException, TRANSIENT",
        "403, RequestLimitExceeded, TRANSIENT",
        "409, OperationAborted, TRANSIENT",
        // Refusals that the same request meets every time: an operator must act.
        "400, InvalidArgument, PERMANENT",
        "400, InvalidBucketName, PERMANENT",
        "400, ExpiredToken, PERMANENT",
        "400, -, PERMANENT",
        "403, AccessDenied, PERMANENT",
        "403, SignatureDoesNotMatch, PERMANENT",
        "403, InvalidAccessKeyId, PERMANENT",
        "403, RequestTimeTooSkewed, PERMANENT",
        "403, -, PERMANENT",
        "404, NoSuchBucket, PERMANENT",
        "404, -, PERMANENT",
        "405, MethodNotAllowed, PERMANENT",
        "409, BucketAlreadyOwnedByYou, PERMANENT",
        "411, MissingContentLength, PERMANENT",
        "412, PreconditionFailed, PERMANENT",
        "413, EntityTooLarge, PERMANENT",
        "501, NotImplemented, PERMANENT",
        "501, -, PERMANENT",
      })
  void classifies(int status, String code, StoreFailure expected) {
    assertThat(StoreFailure.of(status, code)).isEqualTo(expected);
  }
}
