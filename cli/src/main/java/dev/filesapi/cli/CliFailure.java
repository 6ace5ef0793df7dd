package dev.filesapi.cli;

/** A failure the tool reports as one line and an exit status; never printed as a stack trace. */
final class CliFailure extends RuntimeException {
  final ExitCode exitCode;

  CliFailure(ExitCode exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }
}
