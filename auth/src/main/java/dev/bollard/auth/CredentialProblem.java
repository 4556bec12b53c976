package dev.bollard.auth;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An entry that was refused while reading credentials; the other entries of the same source
 * still work. Never carries the refused hash or password text, so it is safe to log and to
 * publish as a Kubernetes Event.
 *
 * @param source where the credentials came from, as the caller named it (for example
 *     {@code "secret default/preview-auth key auth"})
 * @param line 1-based line number in an htpasswd text, or 0 when the source has no lines (an
 *     auth-map)
 * @param user the user the entry names, or {@code null} when the line has none
 * @param reason what is wrong and what to do about it
 */
public record CredentialProblem(String source, int line, @Nullable String user, String reason) {

  /** Checks the components. */
  public CredentialProblem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reason, "reason");
    if (line < 0) {
      throw new IllegalArgumentException("line: " + line + " (expected: >= 0)");
    }
  }

  /** One line for logs and events, e.g. {@code secret a/b key auth, line 3, user "bob": ...}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(source);
    if (line > 0) {
      text.append(", line ").append(line);
    }
    if (user != null) {
      text.append(", user \"").append(user).append('"');
    }
    return text.append(": ").append(reason).toString();
  }
}
