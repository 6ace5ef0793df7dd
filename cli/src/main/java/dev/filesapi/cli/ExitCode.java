package dev.filesapi.cli;

/** The tool's exit statuses, one per kind of failure a script may want to tell apart. */
enum ExitCode {
  OK(0, "success"),
  FAILED(1, "any other failure (a conflict, a refused request, a checksum that does not match)"),
  USAGE(2, "wrong arguments or options"),
  KEY_REFUSED(3, "no API key, or the service refused it (401)"),
  NOT_FOUND(4, "a local file or a file of the organization does not exist"),
  TOO_LARGE(5, "the file is larger than the organization may store (413 file_too_large)"),
  UNREACHABLE(6, "the service cannot be reached, or stays unavailable (503) through the retries"),
  STORE_REFUSED(7, "the object store refused a part or a download (or the service's 502)"),
  INTERRUPTED(130, "interrupted (Ctrl+C); an upload stays resumable");

  final int status;
  final String meaning;

  ExitCode(int status, String meaning) {
    this.status = status;
    this.meaning = meaning;
  }
}
