package dev.filesapi.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filesapi.support.FilesTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * What the race and fault tests share besides their calls ({@link dev.filesapi.support.Api}): tasks
 * started at one moment, and what the database and the store hold for an upload.
 */
final class RaceSupport {
  private RaceSupport() {}

  /**
   * Runs every task at once on a pool of the given size: all wait on one latch that opens when the
   * last is ready (or when the pool is smaller than the task list, as soon as the pool is full).
   * Returns the results in task order; any exception fails the test.
   */
  static <T> List<T> together(int threads, List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch ready = new CountDownLatch(Math.min(threads, tasks.size()));
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>(tasks.size());
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return task.call();
                }));
      }
      assertThat(ready.await(30, TimeUnit.SECONDS)).as("threads ready").isTrue();
      go.countDown();
      List<T> results = new ArrayList<>(tasks.size());
      for (Future<T> future : futures) {
        results.add(future.get(120, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** The upload's storage key, read from the database (the API does not show it). */
  static String storageKey(String uploadId) {
    return QuarkusTransaction.requiringNew()
        .call(() -> Upload.<Upload>findById(uploadId).storageKey);
  }

  /** The upload's id in the store (its multipart upload id), read from the database. */
  static String backendUploadId(String uploadId) {
    return QuarkusTransaction.requiringNew()
        .call(() -> Upload.<Upload>findById(uploadId).backendUploadId);
  }

  /**
   * Names of everything the store holds for this upload: the object, and the parts and bookkeeping
   * blobs of an unfinished multipart upload (S3Proxy's in-memory store names them after the key and
   * the multipart upload id).
   */
  static List<String> storedFor(String storageKey, String backendUploadId) {
    var blobStore = FilesTestResource.store().blobStore();
    List<String> names = new ArrayList<>();
    String marker = null;
    do {
      ListContainerOptions options = ListContainerOptions.Builder.recursive();
      if (marker != null) {
        options.afterMarker(marker);
      }
      PageSet<? extends StorageMetadata> page = blobStore.list(FilesTestResource.BUCKET, options);
      for (StorageMetadata blob : page) {
        if (blob.getName().contains(storageKey) || blob.getName().contains(backendUploadId)) {
          names.add(blob.getName());
        }
      }
      marker = page.getNextMarker();
    } while (marker != null);
    return names;
  }

  /** Unfinished multipart uploads of this key in the store. */
  static long multipartUploadsOf(String storageKey) {
    return FilesTestResource.store()
        .blobStore()
        .listMultipartUploads(FilesTestResource.BUCKET)
        .stream()
        .filter(upload -> upload.blobName().equals(storageKey))
        .count();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
