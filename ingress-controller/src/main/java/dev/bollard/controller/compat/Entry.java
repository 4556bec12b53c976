package dev.bollard.controller.compat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One annotation or ConfigMap key of ingress-nginx and what Bollard does with it.
 *
 * @param key the full annotation key ({@code nginx.ingress.kubernetes.io/rewrite-target}) or the
 *     ConfigMap key ({@code proxy-body-size})
 * @param status what Bollard does with it
 * @param note the difference ({@link Status#DIFFERS}), the reason ({@link Status#IGNORED}, {@link
 *     Status#REFUSED}), what is planned ({@link Status#PLANNED}) or a short remark; never empty for
 *     those
 * @param issue the issue that adds it ({@link Status#PLANNED}), else 0
 * @param sample an annotation value that makes a difference, for the tests that keep the table
 *     honest; {@code null} for ConfigMap keys and for annotations Bollard does not apply
 * @param companions annotations (full keys) the sample needs beside it, e.g. {@code auth-type} for
 *     {@code auth-secret}
 */
public record Entry(
    String key,
    Status status,
    String note,
    int issue,
    @Nullable String sample,
    Map<String, String> companions) {

  public Entry {
    if (status == Status.PLANNED && issue <= 0) {
      throw new IllegalArgumentException(key + ": planned without an issue");
    }
    if (status != Status.HONOURED && note.isBlank()) {
      throw new IllegalArgumentException(key + ": " + status + " needs a note saying why or how");
    }
    companions = Map.copyOf(companions);
  }

  /** The key without ingress-nginx's annotation prefix ({@code rewrite-target}). */
  public String shortName() {
    return key.startsWith(IngressNginx.PREFIX) ? key.substring(IngressNginx.PREFIX.length()) : key;
  }

  /**
   * Why Bollard does not apply it, in one sentence part, for problems and reports: the note, with
   * what kind of reason it is.
   */
  public String reason() {
    return switch (status) {
      case HONOURED, DIFFERS, IGNORED -> note;
      case REFUSED -> "refused: " + note;
      case PLANNED -> "not implemented yet (planned in issue " + issue + "): " + note;
    };
  }

  /** This entry with one more companion annotation (a short name gets the nginx prefix). */
  Entry with(String annotation, String value) {
    Map<String, String> more = new LinkedHashMap<>(companions);
    more.put(IngressNginx.annotationKey(annotation), value);
    return new Entry(key, status, note, issue, sample, more);
  }
}
