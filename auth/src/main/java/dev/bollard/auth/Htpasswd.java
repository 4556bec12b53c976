package dev.bollard.auth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads credentials in the two shapes ingress-nginx accepts: an htpasswd text
 * ({@code auth-secret-type: auth-file}) and an auth-map ({@code auth-secret-type: auth-map}, one
 * Secret key per user, its value the hash).
 *
 * <p>Accepted hashes: bcrypt ({@code $2a$}, {@code $2b$}, {@code $2y$}), Apache MD5
 * ({@code $apr1$}), SHA-crypt ({@code $5$}, {@code $6$}), {@code {SHA}} and {@code {SSHA}}. An
 * entry in any other format (plain text, DES crypt, {@code $1$}) is refused and reported with its
 * line number; the other entries still work. Reading never throws for bad content.
 */
public final class Htpasswd {

  private Htpasswd() {}

  /**
   * Parses an htpasswd text: one {@code user:hash} per line, blank lines and lines starting with
   * {@code #} ignored, an optional {@code :comment} after the hash ignored. When a user appears
   * twice the first entry wins, as in Apache and nginx, and the later one is reported.
   *
   * @param content the file or Secret value, in UTF-8 already decoded
   * @param sourceName names the origin in problems, e.g. {@code "secret default/preview-auth key auth"}
   */
  public static CredentialSet parse(String content, String sourceName) {
    Objects.requireNonNull(content, "content");
    checkSourceName(sourceName);
    Map<String, PasswordHash> hashes = new HashMap<>();
    Map<String, Integer> lineOfUser = new HashMap<>();
    List<CredentialProblem> problems = new ArrayList<>();
    String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        problems.add(new CredentialProblem(sourceName, lineNumber, null,
            "no ':' between user and password hash (expected: user:hash)"));
        continue;
      }
      String user = line.substring(0, colon);
      String rest = line.substring(colon + 1);
      int comment = rest.indexOf(':');
      String encoded = (comment < 0 ? rest : rest.substring(0, comment)).strip();
      Integer firstLine = lineOfUser.get(user);
      if (firstLine != null) {
        problems.add(new CredentialProblem(sourceName, lineNumber, user,
            "duplicate user; the entry on line " + firstLine + " is used, remove this one"));
        continue;
      }
      if (accept(sourceName, lineNumber, user, encoded, hashes, problems)) {
        lineOfUser.put(user, lineNumber);
      }
    }
    return new CredentialSet(sourceName, hashes, problems);
  }

  /**
   * Reads an auth-map: each key is a user, its value that user's hash. Surrounding whitespace of
   * a value (a trailing newline from {@code kubectl create secret --from-file}) is ignored.
   * Problems carry line 0 and the user.
   *
   * @param users user to hash
   * @param sourceName names the origin in problems, e.g. {@code "secret default/preview-auth"}
   */
  public static CredentialSet fromAuthMap(Map<String, String> users, String sourceName) {
    Objects.requireNonNull(users, "users");
    checkSourceName(sourceName);
    Map<String, PasswordHash> hashes = new LinkedHashMap<>();
    List<CredentialProblem> problems = new ArrayList<>();
    // Sorted, so that problems come out in the same order however the map was built.
    for (Map.Entry<String, String> entry : new TreeMap<>(users).entrySet()) {
      String encoded = Objects.requireNonNull(entry.getValue(), () -> "users[" + entry.getKey() + "]");
      accept(sourceName, 0, entry.getKey(), encoded.strip(), hashes, problems);
    }
    return new CredentialSet(sourceName, hashes, problems);
  }

  private static boolean accept(String source, int line, String user, String encoded,
      Map<String, PasswordHash> hashes, List<CredentialProblem> problems) {
    String userProblem = checkUser(user);
    if (userProblem != null) {
      problems.add(new CredentialProblem(source, line, null, userProblem));
      return false;
    }
    try {
      hashes.put(user, PasswordHash.parse(encoded));
      return true;
    } catch (PasswordHash.UnsupportedHashException e) {
      problems.add(new CredentialProblem(source, line, user, e.getMessage()));
      return false;
    }
  }

  /** A user a Basic header can name: non-empty, no ':' (it ends the user), no control characters. */
  private static @org.jspecify.annotations.Nullable String checkUser(String user) {
    if (user.isEmpty()) {
      return "empty user name";
    }
    if (user.indexOf(':') >= 0) {
      return "user name contains ':', which Basic authentication cannot send";
    }
    for (int i = 0; i < user.length(); i++) {
      if (Character.isISOControl(user.charAt(i))) {
        return "user name contains a control character";
      }
    }
    return null;
  }

  private static void checkSourceName(String sourceName) {
    Objects.requireNonNull(sourceName, "sourceName");
    if (sourceName.isBlank()) {
      throw new IllegalArgumentException("sourceName: blank (expected: where the credentials came from)");
    }
  }
}
