package dev.bollard.proxy.accesslog;

import java.io.IOException;
import java.io.OutputStream;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Encodes completed requests as access-log lines (each ending in a newline) into one reused byte
 * buffer: what the access log's writer thread does with every line, usable on its own by
 * benchmarks and tools. Text templates are compiled once per {@link LogSettings} seen. Not
 * thread-safe: one per thread.
 */
public final class LineEncoder {

  private static final int MAX_TEMPLATES = 16;

  private final AccessLog.Format format;
  private final LineBuffer buffer;
  private final Map<LogSettings, TextLineFormat> templates = new IdentityHashMap<>();

  /**
   * @param format JSON lines or the settings' text template
   * @param initialCapacity bytes to reserve up front (the buffer grows as needed)
   */
  public LineEncoder(AccessLog.Format format, int initialCapacity) {
    this.format = format;
    this.buffer = new LineBuffer(initialCapacity);
  }

  /**
   * Appends the line of {@code facts} and a newline. If formatting fails, nothing of the line is
   * kept and the exception is thrown.
   */
  public void append(RequestFacts facts) {
    int mark = buffer.size();
    try {
      formatOf(facts.settings()).append(facts, buffer);
      buffer.raw((byte) '\n');
    } catch (RuntimeException e) {
      buffer.truncate(mark);
      throw e;
    }
  }

  private LineFormat formatOf(LogSettings settings) {
    if (format == AccessLog.Format.JSON) {
      return JsonLineFormat.INSTANCE;
    }
    TextLineFormat t = templates.get(settings);
    if (t == null) {
      if (templates.size() >= MAX_TEMPLATES) {
        // Settings are replaced on reconfiguration; forget templates of settings no longer used.
        templates.clear();
      }
      t = TextLineFormat.compile(settings.effectiveTemplate());
      templates.put(settings, t);
    }
    return t;
  }

  /** Bytes encoded since the last {@link #clear()}. */
  public int size() {
    return buffer.size();
  }

  /** Forgets the encoded bytes (the buffer is kept). */
  public void clear() {
    buffer.clear();
  }

  /** Writes the encoded bytes to {@code out} in one call. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(buffer.array(), 0, buffer.size());
  }

  void writeTo(LogOutput out) throws IOException {
    out.write(buffer.array(), buffer.size());
  }

  /** The encoded lines as text. */
  @Override
  public String toString() {
    return buffer.toString();
  }
}
