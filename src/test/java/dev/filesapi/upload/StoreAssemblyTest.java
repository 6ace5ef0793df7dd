package dev.filesapi.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.storage.ForwardingStorageBackend;
import dev.filesapi.storage.InvalidPartsException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.storage.StoredPart;
import dev.filesapi.upload.StoreAssembly.Assembly;
import dev.filesapi.upload.StoreAssembly.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every answer a store can give to a complete, and what {@link StoreAssembly} makes of it: a
 * scripted store (the forwarding test store, forwarding nothing) answers each call as the case
 * says. No Quarkus, no database.
 */
class StoreAssemblyTest {
  private static final long SIZE = 12L * 1024 * 1024;
  private static final List<PartToken> TOKENS =
      List.of(new PartToken(0, "\"a\""), new PartToken(1, "\"b\""), new PartToken(2, "\"c\""));

  private final ScriptedStore store = new ScriptedStore();
  private final StoreAssembly assembly =
      new StoreAssembly(store, new StorageTimer(new SimpleMeterRegistry()));
  private final Upload upload = upload();

  @Test
  void aCompleteTheStoreAnswersIsAssembledWithoutLookingAtTheObject() {
    Assembly result = assembly.assemble(upload, TOKENS, false);

    assertThat(result.outcome()).isEqualTo(Outcome.ASSEMBLED);
    assertThat(result.object()).isEmpty();
    assertThat(store.completed).containsExactly(TOKENS);
    assertThat(store.stats).isZero();
  }

  @Test
  void invalidPartsWithNoObjectAreTheClientsToFix() {
    store.complete = () -> new InvalidPartsException(List.of(1));

    Assembly result = assembly.assemble(upload, TOKENS, false);

    assertThat(result.outcome()).isEqualTo(Outcome.INVALID_PARTS);
    assertThat(result.partNumbers()).containsExactly(1);
  }

  @Test
  void invalidPartsFromAStoreThatAssembledItBeforeAreAssembled() {
    store.complete = () -> new InvalidPartsException(List.of(0, 1, 2));
    store.object = Optional.of(new ObjectStat(SIZE, Optional.empty(), Optional.of("\"x-3\"")));

    Assembly result = assembly.assemble(upload, TOKENS, false);

    assertThat(result.outcome()).isEqualTo(Outcome.ASSEMBLED);
    assertThat(result.object()).isEqualTo(store.object);
  }

  @Test
  void anObjectOfAnotherSizeOrPartCountIsNotTheUploads() {
    store.complete = () -> new InvalidPartsException(List.of(2));
    store.object = Optional.of(new ObjectStat(SIZE - 1, Optional.empty()));
    assertThat(assembly.assemble(upload, TOKENS, false).outcome()).isEqualTo(Outcome.INVALID_PARTS);

    store.object = Optional.of(new ObjectStat(SIZE, Optional.empty(), Optional.of("\"x-2\"")));
    assertThat(assembly.assemble(upload, TOKENS, false).outcome()).isEqualTo(Outcome.INVALID_PARTS);
  }

  @Test
  void aTimeoutWithNoObjectIsRetriedWithItsCause() {
    StorageUnavailableException timeout = timeout();
    store.complete = () -> timeout;

    Assembly result = assembly.assemble(upload, TOKENS, false);

    assertThat(result.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(result.cause()).isSameAs(timeout);
  }

  @Test
  void aTimeoutAfterWhichTheStoreAssembledBehindOurBackIsAssembled() {
    store.complete = StoreAssemblyTest::timeout;
    store.object = Optional.of(new ObjectStat(SIZE, Optional.of("AAAAAA==")));

    Assembly result = assembly.assemble(upload, TOKENS, false);

    assertThat(result.outcome()).isEqualTo(Outcome.ASSEMBLED);
    assertThat(result.object()).isEqualTo(store.object);
  }

  @Test
  void aTimeoutAndAnObjectThatCannotBeLookedAtIsRetried() {
    store.complete = StoreAssemblyTest::timeout;
    store.stat = StoreAssemblyTest::timeout;

    assertThat(assembly.assemble(upload, TOKENS, false).outcome()).isEqualTo(Outcome.RETRY);
  }

  @Test
  void aRefusalIsRetriedWithoutLookingAtTheObject() {
    StorageRejectedException refused =
        new StorageRejectedException("S3 complete", 403, "AccessDenied", null);
    store.complete = () -> refused;

    Assembly result = assembly.assemble(upload, TOKENS, false);

    assertThat(result.outcome()).isEqualTo(Outcome.RETRY);
    assertThat(result.cause()).isSameAs(refused);
    assertThat(store.stats).isZero();
  }

  @Test
  void aStoreThatForgotTheUploadButHoldsTheObjectAssembledIt() {
    store.complete = () -> new NoSuchUploadException("complete");
    store.object = Optional.of(new ObjectStat(SIZE, Optional.empty()));

    Assembly result = assembly.assemble(upload, TOKENS, false);

    assertThat(result.outcome()).isEqualTo(Outcome.ASSEMBLED);
    assertThat(result.object()).isEqualTo(store.object);
  }

  @Test
  void aStoreThatForgotTheUploadAndHoldsNoObjectLostIt() {
    store.complete = () -> new NoSuchUploadException("complete");

    assertThat(assembly.assemble(upload, TOKENS, false).outcome()).isEqualTo(Outcome.LOST);
  }

  @Test
  void aStoreThatForgotTheUploadAndCannotBeLookedAtIsRetried() {
    store.complete = () -> new NoSuchUploadException("complete");
    store.stat = StoreAssemblyTest::timeout;

    assertThat(assembly.assemble(upload, TOKENS, false).outcome()).isEqualTo(Outcome.RETRY);
  }

  @Test
  void aRedriveFindingTheObjectAssembledDoesNotAskTheStoreAgain() {
    store.object = Optional.of(new ObjectStat(SIZE, Optional.empty()));

    Assembly result = assembly.assemble(upload, TOKENS, true);

    assertThat(result.outcome()).isEqualTo(Outcome.ASSEMBLED);
    assertThat(store.completed).isEmpty();
  }

  @Test
  void aRedriveThatCannotLookAtTheObjectIsUndecided() {
    StorageUnavailableException timeout = timeout();
    store.stat = () -> timeout;

    Assembly result = assembly.assemble(upload, TOKENS, true);

    assertThat(result.outcome()).isEqualTo(Outcome.UNDECIDED);
    assertThat(result.cause()).isSameAs(timeout);
    assertThat(store.completed).isEmpty();
  }

  @Test
  void aRedriveCompletesWithKnownTokensAndTheStoresForTheRest() {
    store.listed =
        List.of(
            new StoredPart(0, "\"a\"", 5),
            new StoredPart(1, "\"b\"", 5),
            new StoredPart(2, "\"c-store\"", 2));

    Assembly result = assembly.assemble(upload, List.of(new PartToken(2, "\"c\"")), true);

    assertThat(result.outcome()).isEqualTo(Outcome.ASSEMBLED);
    assertThat(store.completed).containsExactly(TOKENS);
  }

  @Test
  void aRedriveWithPartsNobodyHasATokenForNamesThem() {
    store.listed = List.of(new StoredPart(1, "\"b\"", 5));

    Assembly result = assembly.assemble(upload, List.of(new PartToken(2, "\"c\"")), true);

    assertThat(result.outcome()).isEqualTo(Outcome.MISSING_PARTS);
    assertThat(result.partNumbers()).containsExactly(0);
    assertThat(store.completed).isEmpty();
  }

  @Test
  void aRedriveWhoseStoreForgotTheUploadLostIt() {
    store.list = () -> new NoSuchUploadException("list parts");

    Assembly result = assembly.assemble(upload, List.of(new PartToken(2, "\"c\"")), true);

    assertThat(result.outcome()).isEqualTo(Outcome.LOST);
  }

  private static StorageUnavailableException timeout() {
    return new StorageUnavailableException("S3 complete", new SocketTimeoutException("read"));
  }

  private static Upload upload() {
    Upload upload = new Upload();
    upload.id = "upl_test";
    upload.backend = "s3";
    upload.storageKey = "org/file";
    upload.backendUploadId = "store-upload";
    upload.numBytes = SIZE;
    upload.numParts = 3;
    upload.partSize = 5L * 1024 * 1024;
    return upload;
  }

  /** A store that answers as the test sets it; every other call fails (no real store behind). */
  private static final class ScriptedStore extends ForwardingStorageBackend {
    Supplier<RuntimeException> complete = () -> null;
    Supplier<RuntimeException> stat = () -> null;
    Supplier<RuntimeException> list = () -> null;
    Optional<ObjectStat> object = Optional.empty();
    List<StoredPart> listed = List.of();
    final List<List<PartToken>> completed = new ArrayList<>();
    int stats;

    ScriptedStore() {
      super(null);
    }

    @Override
    public void complete(String key, String uploadId, List<PartToken> parts, long numBytes) {
      throwIfSet(complete);
      completed.add(List.copyOf(parts));
    }

    @Override
    public Optional<ObjectStat> stat(String key) {
      stats++;
      throwIfSet(stat);
      return object;
    }

    @Override
    public List<StoredPart> listParts(String key, String uploadId) {
      throwIfSet(list);
      return listed;
    }

    private static void throwIfSet(Supplier<RuntimeException> answer) {
      RuntimeException failure = answer.get();
      if (failure != null) {
        throw failure;
      }
    }
  }
}
