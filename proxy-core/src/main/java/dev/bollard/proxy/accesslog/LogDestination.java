package dev.bollard.proxy.accesslog;

import java.io.OutputStream;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where access-log lines go: standard output, a file (reopened when rotated away), or a stream
 * (tests, benchmarks).
 */
public final class LogDestination {

  private final @Nullable Path file;
  private final @Nullable OutputStream stream;

  private LogDestination(@Nullable Path file, @Nullable OutputStream stream) {
    this.file = file;
    this.stream = stream;
  }

  /** The process's standard output. */
  public static LogDestination stdout() {
    return new LogDestination(null, null);
  }

  /**
   * A file, appended to and created if missing. When it is renamed or removed (logrotate), the
   * writer notices within a second and opens a new file at the same path; with {@code
   * copytruncate} it simply keeps appending.
   */
  public static LogDestination file(Path path) {
    return new LogDestination(path, null);
  }

  /** A stream the caller owns (closed with the log). */
  public static LogDestination stream(OutputStream out) {
    return new LogDestination(null, out);
  }

  @Nullable Path file() {
    return file;
  }

  @Nullable OutputStream stream() {
    return stream;
  }

  @Override
  public String toString() {
    return file != null ? file.toString() : stream != null ? "stream" : "stdout";
  }
}
