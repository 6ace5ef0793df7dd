package dev.filesapi.cli;

import java.util.Locale;
import java.util.Map;

/**
 * The {@code file_type} sent for a file name: from its extension, the same on every machine (a
 * resumed upload must name the type its first run named), {@code application/octet-stream}
 * otherwise. {@code --type} overrides it.
 */
final class MediaTypes {
  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("txt", "text/plain"),
          Map.entry("csv", "text/csv"),
          Map.entry("json", "application/json"),
          Map.entry("jsonl", "application/x-ndjson"),
          Map.entry("xml", "application/xml"),
          Map.entry("html", "text/html"),
          Map.entry("pdf", "application/pdf"),
          Map.entry("zip", "application/zip"),
          Map.entry("gz", "application/gzip"),
          Map.entry("tgz", "application/gzip"),
          Map.entry("tar", "application/x-tar"),
          Map.entry("zst", "application/zstd"),
          Map.entry("parquet", "application/vnd.apache.parquet"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("mp4", "video/mp4"),
          Map.entry("mov", "video/quicktime"),
          Map.entry("mkv", "video/x-matroska"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("wav", "audio/wav"));

  private MediaTypes() {}

  static String of(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0 || dot == name.length() - 1) {
      return "application/octet-stream";
    }
    String extension = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return BY_EXTENSION.getOrDefault(extension, "application/octet-stream");
  }
}
