package dev.bollard.proxy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The HTTP status codes whose responses a route replaces with an error page from its error backend
 * (ingress-nginx's {@code custom-http-errors}): codes from 400 to 599, sorted, without repeats.
 * {@link #contains} is one range check and one array read, cheap enough for every response.
 */
public final class ErrorCodes {

  /** No code: nothing is replaced. */
  public static final ErrorCodes NONE = new ErrorCodes(List.of());

  private static final int LOWEST = 400;
  private static final int HIGHEST = 599;

  private final List<Integer> codes;
  private final boolean[] listed = new boolean[HIGHEST - LOWEST + 1];

  private ErrorCodes(List<Integer> codes) {
    this.codes = codes;
    for (int code : codes) {
      listed[code - LOWEST] = true;
    }
  }

  /**
   * The given codes, sorted and without repeats.
   *
   * @throws IllegalArgumentException if a code is not from 400 to 599
   */
  public static ErrorCodes of(List<Integer> codes) {
    TreeSet<Integer> sorted = new TreeSet<>();
    for (int code : codes) {
      if (code < LOWEST || code > HIGHEST) {
        throw new IllegalArgumentException(
            "code: " + code + " (expected: an HTTP status from 400 to 599)");
      }
      sorted.add(code);
    }
    return sorted.isEmpty() ? NONE : new ErrorCodes(List.copyOf(sorted));
  }

  /**
   * ingress-nginx's syntax: comma-separated codes from 400 to 599 such as {@code 404,503};
   * blanks around a code are allowed ({@code "404, 503"}), an empty value is no code.
   *
   * @throws IllegalArgumentException naming the first entry that is not such a code
   */
  public static ErrorCodes parse(String value) {
    if (value.isBlank()) {
      return NONE;
    }
    List<Integer> codes = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String code = part.strip();
      if (code.length() != 3 || !isDigits(code)) {
        throw new IllegalArgumentException("\"" + code + "\" is not an HTTP status code; expected"
            + " comma-separated codes from 400 to 599, such as 404,503");
      }
      int n = Integer.parseInt(code);
      if (n < LOWEST || n > HIGHEST) {
        throw new IllegalArgumentException(n + " is not an error code; expected comma-separated"
            + " codes from 400 to 599, such as 404,503");
      }
      codes.add(n);
    }
    return of(codes);
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code status} is listed. */
  public boolean contains(int status) {
    return status >= LOWEST && status <= HIGHEST && listed[status - LOWEST];
  }

  /** Whether no code is listed. */
  public boolean isEmpty() {
    return codes.isEmpty();
  }

  /** The codes, ascending. */
  public List<Integer> codes() {
    return codes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ErrorCodes other && codes.equals(other.codes);
  }

  @Override
  public int hashCode() {
    return codes.hashCode();
  }

  @Override
  public String toString() {
    return codes.toString();
  }
}
