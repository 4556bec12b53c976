package dev.bollard.proxy.value;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A rule set parsed from a list of entries whose value is the entries as written: two sets are
 * equal when they are of the same class and were written the same way, and a set's text is its
 * entries joined by commas. Whatever a subclass compiles the entries into for matching (prefix
 * words, regular expressions) follows from the entries, so it takes no part in equality; it stays
 * in the subclass, which keeps its matching code to itself.
 */
public abstract class WrittenEntries {

  private final List<String> written;

  /**
   * @param written the entries as written, blank ones already left out; kept as given (pass an
   *     unmodifiable list)
   */
  protected WrittenEntries(List<String> written) {
    this.written = written;
  }

  /** The entries as written. */
  protected final List<String> written() {
    return written;
  }

  @Override
  public final boolean equals(@Nullable Object o) {
    return o != null && o.getClass() == getClass() && written.equals(((WrittenEntries) o).written);
  }

  @Override
  public final int hashCode() {
    return written.hashCode();
  }

  @Override
  public final String toString() {
    return String.join(",", written);
  }
}
