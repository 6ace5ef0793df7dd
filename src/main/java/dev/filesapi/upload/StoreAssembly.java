package dev.filesapi.upload;

import dev.filesapi.storage.InvalidPartsException;
import dev.filesapi.storage.NoSuchUploadException;
import dev.filesapi.storage.ObjectStat;
import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StorageBackend;
import dev.filesapi.storage.StorageRejectedException;
import dev.filesapi.storage.StorageTimer;
import dev.filesapi.storage.StorageUnavailableException;
import dev.filesapi.storage.StoredPart;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The store's side of a complete: asks the store to assemble the object and turns every answer it
 * can give into one {@link Assembly}. No database, no state change: the caller acts on the result.
 *
 * <p>The object at the upload's key settles every doubt. A store may have assembled it although its
 * answer says otherwise: S3Proxy answers a complete of a completed upload with {@code 500} or
 * {@code InvalidPart}; a complete that reached the store before (a timeout, a crash, a lost answer)
 * finds the multipart upload gone; a store or proxy that sends nothing until it is done is cut by
 * the socket timeout on every attempt.
 */
@ApplicationScoped
public class StoreAssembly {
  private final StorageBackend storage;
  private final StorageTimer timer;

  public StoreAssembly(StorageBackend storage, StorageTimer timer) {
    this.storage = storage;
    this.timer = timer;
  }

  /** What the store's answers to a complete come to. */
  public enum Outcome {
    /** The object is assembled at the upload's key: register it. */
    ASSEMBLED,
    /** The store did not assemble it and may next time: back to in progress, the cause thrown. */
    RETRY,
    /** The store does not hold these parts with the tokens given: back to in progress. */
    INVALID_PARTS,
    /**
     * A repeated complete knows no token for these parts, nor does the store: back to in progress.
     */
    MISSING_PARTS,
    /** The store forgot the multipart upload and holds no object: the upload has failed. */
    LOST,
    /**
     * The store could not be asked whether it assembled the object: left completing, cause thrown.
     */
    UNDECIDED
  }

  /**
   * The outcome, with what it needs.
   *
   * @param object the object's stat when it was read on the way (else empty: not looked at)
   * @param partNumbers the invalid or missing parts
   * @param cause the store's failure, for {@link Outcome#RETRY} and {@link Outcome#UNDECIDED}
   */
  public record Assembly(
      Outcome outcome,
      Optional<ObjectStat> object,
      List<Integer> partNumbers,
      RuntimeException cause) {

    static Assembly assembled(Optional<ObjectStat> object) {
      return new Assembly(Outcome.ASSEMBLED, object, List.of(), null);
    }

    static Assembly of(Outcome outcome, List<Integer> partNumbers) {
      return new Assembly(outcome, Optional.empty(), partNumbers, null);
    }

    static Assembly failed(Outcome outcome, RuntimeException cause) {
      return new Assembly(outcome, Optional.empty(), List.of(), cause);
    }
  }

  /**
   * Whether the object at the upload's key is the upload's assembled file: its size, and its part
   * count where the ETag tells it. The key is the upload's own, never another's.
   */
  public static boolean assembled(Upload upload, ObjectStat object) {
    return object.size() == upload.numBytes
        && object.multipartParts().map(parts -> parts == upload.numParts).orElse(true);
  }

  /**
   * Has the store assemble the upload's object.
   *
   * @param tokens every part's token; on a re-drive those known, the rest asked of the store
   * @param redrive whether a complete before this one may have reached the store (the upload was
   *     left completing by a request that is gone)
   */
  public Assembly assemble(Upload upload, List<PartToken> tokens, boolean redrive) {
    return redrive ? redrive(upload, tokens) : complete(upload, tokens);
  }

  /** A complete that may have reached the store before: the object first, then the parts. */
  private Assembly redrive(Upload upload, List<PartToken> known) {
    Optional<ObjectStat> object;
    try {
      object = stat(upload);
    } catch (StorageUnavailableException | StorageRejectedException e) {
      return Assembly.failed(Outcome.UNDECIDED, e);
    }
    if (object.isPresent() && assembled(upload, object.get())) {
      return Assembly.assembled(object);
    }
    if (known.size() == upload.numParts) {
      return complete(upload, known);
    }
    List<StoredPart> stored;
    try {
      stored =
          timer.time(
              upload.backend,
              "list_parts",
              () -> storage.listParts(upload.storageKey, upload.backendUploadId));
    } catch (NoSuchUploadException e) {
      return Assembly.of(Outcome.LOST, List.of());
    }
    TreeMap<Integer, String> tokens = new TreeMap<>();
    stored.forEach(part -> tokens.put(part.partNumber(), part.token()));
    known.forEach(part -> tokens.put(part.partNumber(), part.token()));
    List<Integer> missing =
        IntStream.range(0, upload.numParts).filter(n -> !tokens.containsKey(n)).boxed().toList();
    if (!missing.isEmpty()) {
      return Assembly.of(Outcome.MISSING_PARTS, missing);
    }
    List<PartToken> ordered = new ArrayList<>(tokens.size());
    tokens.forEach((number, token) -> ordered.add(new PartToken(number, token)));
    return complete(upload, ordered);
  }

  /** The store's complete, every answer it can give settled. */
  private Assembly complete(Upload upload, List<PartToken> tokens) {
    try {
      timer.time(
          upload.backend,
          "complete",
          () ->
              storage.complete(upload.storageKey, upload.backendUploadId, tokens, upload.numBytes));
      return Assembly.assembled(Optional.empty());
    } catch (InvalidPartsException e) {
      // Some stores (S3Proxy's in-memory one) answer a complete of a completed upload so.
      return assembledAfterAll(upload).orElse(Assembly.of(Outcome.INVALID_PARTS, e.partNumbers()));
    } catch (StorageUnavailableException e) {
      // An error answer may come from a store that finished the object, and a complete cut by a
      // timeout may have finished it too: the object decides.
      return assembledAfterAll(upload).orElse(Assembly.failed(Outcome.RETRY, e));
    } catch (StorageRejectedException e) {
      return Assembly.failed(Outcome.RETRY, e);
    } catch (NoSuchUploadException e) {
      // A complete that reached the store before (a timeout, a crash, a lost answer) already
      // assembled the object, or the store lost the upload.
      Optional<ObjectStat> object;
      try {
        object = stat(upload);
      } catch (StorageUnavailableException | StorageRejectedException unknown) {
        // A retry finds the store's upload gone again and looks at the object then.
        return Assembly.failed(Outcome.RETRY, unknown);
      }
      return object.isPresent() && assembled(upload, object.get())
          ? Assembly.assembled(object)
          : Assembly.of(Outcome.LOST, List.of());
    }
  }

  /** The assembled object when a failed answer hides one; empty when there is none or no answer. */
  private Optional<Assembly> assembledAfterAll(Upload upload) {
    try {
      Optional<ObjectStat> object = stat(upload);
      return object.isPresent() && assembled(upload, object.get())
          ? Optional.of(Assembly.assembled(object))
          : Optional.empty();
    } catch (StorageUnavailableException | StorageRejectedException e) {
      return Optional.empty();
    }
  }

  private Optional<ObjectStat> stat(Upload upload) {
    return timer.time(upload.backend, "stat", () -> storage.stat(upload.storageKey));
  }
}
