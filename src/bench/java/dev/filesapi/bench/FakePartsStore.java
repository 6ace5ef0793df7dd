package dev.filesapi.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;

/**
 * Wraps the BlobStore behind S3Proxy so that chosen multipart uploads claim to hold parts that were
 * never sent: a complete of 10,000 parts of 24 MiB would otherwise need 250 GB of real PUTs.
 * S3Proxy still parses the CompleteMultipartUpload request, checks every part's ETag and size
 * against this listing, and answers as usual; only assembling the object is skipped. Every other
 * upload passes through untouched.
 */
final class FakePartsStore {
  /** Store upload id → the part tokens (unquoted) it pretends to hold, 1-based by position. */
  private final Map<String, Fake> fakes = new ConcurrentHashMap<>();

  private record Fake(List<String> etags, long partSize) {}

  void pretend(String storeUploadId, List<String> etags, long partSize) {
    fakes.put(storeUploadId, new Fake(List.copyOf(etags), partSize));
  }

  void forget(String storeUploadId) {
    fakes.remove(storeUploadId);
  }

  BlobStore wrap(BlobStore target) {
    return (BlobStore)
        Proxy.newProxyInstance(
            BlobStore.class.getClassLoader(),
            new Class<?>[] {BlobStore.class},
            (proxy, method, args) -> {
              if (args != null && args.length > 0 && args[0] instanceof MultipartUpload upload) {
                Fake fake = fakes.get(upload.id());
                if (fake != null && method.getName().equals("listMultipartUpload")) {
                  List<MultipartPart> parts = new ArrayList<>(fake.etags().size());
                  Date now = new Date();
                  for (int i = 0; i < fake.etags().size(); i++) {
                    parts.add(
                        MultipartPart.create(i + 1, fake.partSize(), fake.etags().get(i), now));
                  }
                  return parts;
                }
                if (fake != null && method.getName().equals("completeMultipartUpload")) {
                  return "\"00000000000000000000000000000000-" + fake.etags().size() + "\"";
                }
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
