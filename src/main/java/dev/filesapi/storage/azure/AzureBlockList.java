package dev.filesapi.storage.azure;

import dev.filesapi.storage.PartToken;
import dev.filesapi.storage.StoredPart;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How the parts of an upload are blocks of its blob: each part's block id, the Get Block List
 * answer read as parts, the Put Block List body that commits them. Pure: no call to the store.
 */
final class AzureBlockList {
  private static final Pattern BLOCK =
      Pattern.compile("<Block><Name>([^<]*)</Name><Size>(\\d+)</Size></Block>");
  private static final String XML = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

  private AzureBlockList() {}

  /** A part's block id: the same length for every part, as Azure requires within a blob. */
  static String blockId(int partNumber) {
    return Base64.getEncoder()
        .encodeToString(String.format("part-%05d", partNumber).getBytes(StandardCharsets.US_ASCII));
  }

  /** The part a block id names, or -1 for a block this service did not name. */
  static int partNumberOf(String blockId) {
    try {
      String name = new String(Base64.getDecoder().decode(blockId), StandardCharsets.US_ASCII);
      return name.matches("part-\\d{5}") ? Integer.parseInt(name.substring(5)) : -1;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  /**
   * The parts a Get Block List answer ({@code blocklisttype=all}) holds, by number: an uncommitted
   * block wins over a committed one of the same part (as {@code <Latest>} picks it). A part's token
   * is empty: Azure gives blocks none.
   */
  static List<StoredPart> parts(String answer) {
    int uncommitted = answer.indexOf("<UncommittedBlocks");
    Map<Integer, StoredPart> parts = new TreeMap<>();
    Matcher block = BLOCK.matcher(answer);
    while (block.find()) {
      int partNumber = partNumberOf(block.group(1));
      boolean isUncommitted = uncommitted >= 0 && block.start() > uncommitted;
      if (partNumber >= 0 && (isUncommitted || !parts.containsKey(partNumber))) {
        parts.put(partNumber, new StoredPart(partNumber, "", Long.parseLong(block.group(2))));
      }
    }
    return new ArrayList<>(parts.values());
  }

  /** The Put Block List body committing these parts, in their order: the latest block of each. */
  static byte[] commit(List<PartToken> parts) {
    StringBuilder list = new StringBuilder(XML).append("<BlockList>");
    for (PartToken part : parts) {
      list.append("<Latest>").append(blockId(part.partNumber())).append("</Latest>");
    }
    return list.append("</BlockList>").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A Put Block List body of no block: committed, it drops the uncommitted ones. */
  static byte[] empty() {
    return (XML + "<BlockList></BlockList>").getBytes(StandardCharsets.UTF_8);
  }

  /** The numbers of the given parts the store holds no block for. */
  static List<Integer> missing(List<PartToken> given, List<StoredPart> held) {
    Set<Integer> heldNumbers =
        held.stream().map(StoredPart::partNumber).collect(Collectors.toSet());
    List<Integer> missing = new ArrayList<>();
    for (PartToken part : given) {
      if (!heldNumbers.contains(part.partNumber())) {
        missing.add(part.partNumber());
      }
    }
    return missing;
  }
}
