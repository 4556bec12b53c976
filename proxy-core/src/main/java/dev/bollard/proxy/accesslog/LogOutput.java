package dev.bollard.proxy.accesslog;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The byte sink of the writer thread; for a file, notices rotation and reopens. */
final class LogOutput implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LogOutput.class);
  private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

  private final @Nullable Path path;
  private @Nullable OutputStream stream;
  private @Nullable FileChannel channel;
  private @Nullable Object fileKey;
  private long lastCheck = System.nanoTime();

  LogOutput(LogDestination destination) throws IOException {
    this.path = destination.file();
    if (path != null) {
      open(path);
    } else if (destination.stream() != null) {
      stream = destination.stream();
    } else {
      stream = new FileOutputStream(FileDescriptor.out);
    }
  }

  private void open(Path p) throws IOException {
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    fileKey = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
  }

  void write(byte[] bytes, int length) throws IOException {
    FileChannel ch = channel;
    if (ch != null) {
      ByteBuffer buf = ByteBuffer.wrap(bytes, 0, length);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    } else if (stream != null) {
      stream.write(bytes, 0, length);
      stream.flush();
    }
  }

  /** At most once a second: if the file at the path is no longer ours, open the new one. */
  void reopenIfRotated() {
    Path p = path;
    if (p == null || System.nanoTime() - lastCheck < CHECK_EVERY_NANOS) {
      return;
    }
    lastCheck = System.nanoTime();
    Object current;
    try {
      current = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      current = null;
    } catch (IOException e) {
      return;
    }
    if (current != null && Objects.equals(current, fileKey)) {
      return;
    }
    try {
      closeChannel();
      open(p);
      log.info("Access log {} was rotated; writing to the new file", p);
    } catch (IOException e) {
      log.warn("Cannot reopen access log {}: {}; lines are dropped until it can be written", p,
          e.toString());
      channel = null;
    }
  }

  /** Whether a file output lost its file (lines are dropped until it is back). */
  boolean isBroken() {
    return path != null && channel == null;
  }

  private void closeChannel() {
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Closing a file we are leaving: nothing to do about a failure.
      }
    }
  }

  @Override
  public void close() {
    closeChannel();
    OutputStream s = stream;
    if (s != null) {
      try {
        s.flush();
      } catch (IOException ignored) {
        // stdout gone: nothing to report it to.
      }
    }
  }
}
