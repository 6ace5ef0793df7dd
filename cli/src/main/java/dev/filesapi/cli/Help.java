package dev.filesapi.cli;

import java.util.List;

/** The manual: {@code files --help} and each command's {@code --help}. */
final class Help {
  static final List<String> COMMANDS =
      List.of("upload", "download", "ls", "rm", "info", "uploads", "abort");

  private Help() {}

  static String text(String command) {
    return switch (command) {
      case "upload" -> UPLOAD;
      case "download" -> DOWNLOAD;
      case "ls" -> LS;
      case "rm" -> RM;
      case "info" -> INFO;
      case "uploads" -> UPLOADS;
      case "abort" -> ABORT;
      default -> MAIN + exitCodes();
    };
  }

  private static String exitCodes() {
    StringBuilder out = new StringBuilder("\nExit status:\n");
    for (ExitCode code : ExitCode.values()) {
      out.append(String.format("  %3d  %s%n", code.status, code.meaning));
    }
    return out.toString();
  }

  private static final String MAIN =
      """
      files — upload, download and manage files of the Files API (up to 250 GB each)

      Usage: files COMMAND [OPTIONS] [ARGS]

      Commands:
        upload PATH…          upload files: parallel parts straight to the store, resumable
        download FILE_ID [PATH]  download a file, checking its size (and CRC32C); resumable
        ls                    list the organization's files
        rm FILE_ID…           delete files
        info                  the organization's totals
        uploads               unfinished uploads (resume one by uploading the same file again)
        abort UPLOAD_ID…      give up unfinished uploads
        help [COMMAND]        this text, or a command's

      Options of every command:
        --url URL     the service's API address (default: $FILES_API_URL, else
                      http://localhost:8080/v1); the banner's "API:" line, with or without /v1
        --key KEY     the API key (default: $FILES_API_KEY)
        --json        print results as JSON on stdout, for scripts
        -q, --quiet   print nothing but errors (and --json results)
        -h, --help    a command's manual
        --version     the tool's version

      With the service's embedded default:
        export FILES_API_URL=http://localhost:8080/v1
        export FILES_API_KEY=$(cat .files-api/api-key)
        files upload big.bin && files ls
      """;

  private static final String UPLOAD =
      """
      Usage: files upload PATH… [--name NAME] [--type TYPE] [--parallel N] [OPTIONS]

      Uploads each file through the service's multipart upload: its parts go straight to the
      object store, N at a time, each streamed from disk (memory stays small whatever the size).
      Each finished part is checkpointed with the service, so an interrupted upload (Ctrl+C, a
      kill, a reboot, a lost network) continues where it stopped when the same command runs again:
      only the parts not stored yet are sent. Where the service's backend verifies CRC32C, the
      file's CRC32C is sent with the complete and checked by the store.

      Options:
        --name NAME            the file's name (file_id) in the service; default: PATH's file name.
                               A file of that name is replaced once the upload completes
        --type TYPE            the file's media type; default from the extension, else
                               application/octet-stream
        --parallel N           parts in flight at once (default 8)
        --no-resume            start a new upload even if one of this name is unfinished
        --limit-rate RATE      at most RATE bytes per second in all, e.g. 50M (default: no limit)
        --progress MODE        bar (the default on a terminal), plain (a line every
                               --progress-interval seconds, default 10; the default otherwise)
                               or none
        --json                 one JSON object per file on stdout: file_id, file_uid, num_bytes,
                               upload_id, resumed, num_parts, parts_skipped, parts_sent,
                               put_requests, retries, checksum, seconds

      Parts are retried with backoff on network errors, timeouts, 408, 429 and 5xx (8 attempts);
      a URL that expires or answers 403 is replaced by a fresh one. The complete is repeated while
      the service answers 202 (the store is still assembling a large file) or 503.
      """;

  private static final String DOWNLOAD =
      """
      Usage: files download FILE_ID [PATH] [OPTIONS]

      Downloads the file into PATH (default: the file's name in the current directory; a
      directory: the file's name in it). The bytes arrive in PATH.part, which becomes PATH once
      its size (and CRC32C, where the service knows it) match. A broken download goes on with a
      range request, in the same run or, from PATH.part, in the next one.

      Options:
        --limit-rate RATE      at most RATE bytes per second, e.g. 50M
        --progress MODE        bar, plain or none (see files upload --help)
        --json                 {file_id, path, num_bytes, resumed_at, crc32c_checked, seconds}
      """;

  private static final String LS =
      """
      Usage: files ls [--type TYPE] [--json]

      Lists the organization's files, oldest first: size, time of registration, file_id.
      --type keeps only files of that media type; --json prints the service's records as one
      JSON array (file_id, file_uid, file_type, num_bytes, file_status, created_at, checksum, …).
      """;

  private static final String RM =
      """
      Usage: files rm FILE_ID… [--json]

      Deletes files (their object in the store and their record).
      """;

  private static final String INFO =
      """
      Usage: files info [--json]

      The API address in use and the organization's totals: files, bytes, last change. A quick
      check that the address and the key work.
      """;

  private static final String UPLOADS =
      """
      Usage: files uploads [--status STATUS] [--json]

      Uploads of the organization, newest first (at most 1,000): id, status, parts checkpointed,
      name. STATUS is in_progress (default), completing, completed, aborted, expired or failed.
      """;

  private static final String ABORT =
      """
      Usage: files abort UPLOAD_ID… [--json]

      Gives up unfinished uploads: the store drops their parts.
      """;
}
