package dev.filesapi.upload;

import dev.filesapi.storage.StoredPart;
import java.util.List;

/**
 * The parts of an unplanned upload as a resuming client is told of them: those the store holds, or,
 * once the store has assembled the object (its multipart upload gone, with the parts' tokens and
 * sizes), how many parts it was assembled from. A complete of an assembled upload answers its file
 * whatever tokens it is sent, so a client that lists the parts before completing again may complete
 * with any token for each.
 *
 * @param parts the store's parts, ascending (empty once assembled)
 * @param assembledParts the number of parts the object was assembled from; 0 while it is not
 */
public record PartListing(List<StoredPart> parts, int assembledParts) {

  static PartListing held(List<StoredPart> parts) {
    return new PartListing(List.copyOf(parts), 0);
  }

  static PartListing assembled(Upload upload) {
    return new PartListing(List.of(), upload.numParts);
  }

  public boolean assembled() {
    return assembledParts > 0;
  }
}
