package dev.bollard.proxy.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.bollard.proxy.value.WrittenEntries;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Entries of an nginx {@code map} over one request header, as ingress-nginx writes {@code
 * block-user-agents} ({@code map $http_user_agent}) and {@code block-referers} ({@code map
 * $http_referer}). A plain entry matches a whole value ignoring case (as nginx's map compares
 * strings); an entry starting with {@code ~} is a regular expression found anywhere in it, {@code
 * ~*} ignoring case. Regular expressions are RE2 (no back-references, no look-around), compiled once. Two rule
 * sets are equal when they were written the same way.
 */
public final class MapPatterns extends WrittenEntries {

  /** Matches nothing. */
  public static final MapPatterns NONE = new MapPatterns(List.of(), List.of(), List.of());

  private final String[] exact;
  private final Pattern[] patterns;

  private MapPatterns(List<String> written, List<String> exact, List<Pattern> patterns) {
    super(written);
    this.exact = exact.toArray(String[]::new);
    this.patterns = patterns.toArray(Pattern[]::new);
  }

  /**
   * Parses entries (blank ones are skipped).
   *
   * @throws IllegalArgumentException naming the regular expression that does not compile
   */
  public static MapPatterns parse(List<String> entries) {
    List<String> written = new ArrayList<>();
    List<String> exact = new ArrayList<>();
    List<Pattern> patterns = new ArrayList<>();
    for (String raw : entries) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      written.add(entry);
      if (!entry.startsWith("~")) {
        exact.add(entry);
        continue;
      }
      boolean ignoreCase = entry.startsWith("~*");
      String regex = entry.substring(ignoreCase ? 2 : 1);
      try {
        patterns.add(Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("\"" + entry + "\": " + e.getDescription()
            + " (expected: a plain value, ~regex, or ~*regex for any case; RE2 syntax)");
      }
    }
    return written.isEmpty() ? NONE : new MapPatterns(List.copyOf(written), exact, patterns);
  }

  /** Whether a header value ({@code null}: none sent, as nginx's empty variable) matches. */
  public boolean matches(@Nullable String value) {
    String agent = value == null ? "" : value;
    for (String e : exact) {
      if (e.equalsIgnoreCase(agent)) {
        return true;
      }
    }
    for (Pattern p : patterns) {
      if (p.matcher(agent).find()) {
        return true;
      }
    }
    return false;
  }

  /** Whether nothing matches. */
  public boolean isEmpty() {
    return written().isEmpty();
  }

  /** The entries as written. */
  public List<String> entries() {
    return written();
  }
}
