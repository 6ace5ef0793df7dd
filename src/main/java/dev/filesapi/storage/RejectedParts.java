package dev.filesapi.storage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which parts a store refused on complete: stores answer "InvalidPart" without saying which, so
 * backends compare the tokens given with the parts the store lists.
 */
public final class RejectedParts {
  private RejectedParts() {}

  /**
   * The zero-based numbers of the given parts that the store does not hold with that token, or
   * holds too small while not being the last part.
   */
  public static List<Integer> among(
      List<PartToken> given, List<StoredPart> held, long minPartSize) {
    Map<Integer, StoredPart> stored = new HashMap<>();
    for (StoredPart part : held) {
      stored.put(part.partNumber(), part);
    }
    int last = given.stream().mapToInt(PartToken::partNumber).max().orElse(0);
    List<Integer> rejected = new ArrayList<>();
    for (PartToken part : given) {
      StoredPart found = stored.get(part.partNumber());
      boolean tokenMatches =
          found != null
              && PartToken.unquoted(found.token()).equals(PartToken.unquoted(part.token()));
      boolean tooSmall = found != null && part.partNumber() != last && found.size() < minPartSize;
      if (!tokenMatches || tooSmall) {
        rejected.add(part.partNumber());
      }
    }
    return rejected;
  }
}
