package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.Redirect;
import dev.bollard.proxy.step.VariableTemplate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * ingress-nginx's {@code permanent-redirect} ({@code permanent-redirect-code}, default 301) and
 * {@code temporal-redirect} ({@code temporal-redirect-code}, default 302): every request of the
 * Ingress's routes is answered with a redirect to the URL as written (the request's URI is not
 * appended), a {@link Redirect} step.
 *
 * <p>As in ingress-nginx: {@code temporal-redirect} wins when both are set; the URL must be {@code
 * http://} or {@code https://} with a host; a URL that is refused refuses the redirect; a code that
 * is not a number refuses the redirect; a code outside 300-308 falls back to the default. Bollard
 * differs in three ways, each reported: the ignored annotation (the permanent redirect beside a
 * temporal one, a code without its URL, a code that fell back) is a problem, so it does not go
 * unnoticed; the codes 300, 304, 305 and 306, with which nginx sends the URL as the body and no
 * {@code Location}, fall back to the default too; and the URL may hold the nginx variables {@link
 * VariableTemplate} knows (ingress-nginx's annotation validation refuses {@code $}, so only
 * clusters that turned validation off could use them).
 */
final class RedirectAnnotations {

  static final String PREFIX = "nginx.ingress.kubernetes.io/";
  static final String PERMANENT = PREFIX + "permanent-redirect";
  static final String PERMANENT_CODE = PREFIX + "permanent-redirect-code";
  static final String TEMPORAL = PREFIX + "temporal-redirect";
  static final String TEMPORAL_CODE = PREFIX + "temporal-redirect-code";

  private RedirectAnnotations() {}

  /** The redirect the annotations ask for, if any; what is wrong goes to {@code problems}. */
  static Optional<Redirect> parse(
      RouteSource source, Map<String, String> annotations, List<Problem> problems) {
    String temporal = annotations.get(TEMPORAL);
    String permanent = annotations.get(PERMANENT);
    if (temporal != null && !temporal.isEmpty()) {
      if (permanent != null && !permanent.isEmpty()) {
        problems.add(new Problem(source, field(PERMANENT), "ignored: temporal-redirect is also"
            + " set and wins, as in ingress-nginx. Remove one of them."));
      }
      if (annotations.containsKey(PERMANENT_CODE)) {
        problems.add(new Problem(source, field(PERMANENT_CODE),
            "ignored: it applies to permanent-redirect, and temporal-redirect wins."));
      }
      return redirect(source, annotations, TEMPORAL, TEMPORAL_CODE, 302, problems);
    }
    if (annotations.containsKey(TEMPORAL_CODE)) {
      problems.add(new Problem(source, field(TEMPORAL_CODE),
          "ignored: no temporal-redirect URL is set. Remove it or set temporal-redirect."));
    }
    if (permanent != null && !permanent.isEmpty()) {
      return redirect(source, annotations, PERMANENT, PERMANENT_CODE, 301, problems);
    }
    if (annotations.containsKey(PERMANENT_CODE)) {
      problems.add(new Problem(source, field(PERMANENT_CODE),
          "ignored: no permanent-redirect URL is set. Remove it or set permanent-redirect."));
    }
    return Optional.empty();
  }

  private static Optional<Redirect> redirect(RouteSource source, Map<String, String> annotations,
      String urlKey, String codeKey, int defaultCode, List<Problem> problems) {
    String url = annotations.get(urlKey);
    VariableTemplate location;
    try {
      location = location(url);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(source, field(urlKey), "value " + SnippetDirective.quote(url)
          + " refused: " + e.getMessage() + "; no redirect is applied. Fix its value."));
      return Optional.empty();
    }
    int code = defaultCode;
    String written = annotations.get(codeKey);
    if (written != null) {
      try {
        code = Integer.parseInt(written.strip());
      } catch (NumberFormatException e) {
        problems.add(new Problem(source, field(codeKey), "value "
            + SnippetDirective.quote(written) + " refused: not a number (expected: 301, 302, 303,"
            + " 307 or 308); no redirect is applied, as in ingress-nginx. Fix its value."));
        return Optional.empty();
      }
      if (!Redirect.CODES.contains(code)) {
        problems.add(new Problem(source, field(codeKey), "value " + code + " is not a redirect"
            + " status (expected: 301, 302, 303, 307 or 308); " + defaultCode + " is used"
            + (code >= 300 && code <= 308 ? " (ingress-nginx would send the URL as the body,"
                + " without Location)" : ", as in ingress-nginx") + ". Fix its value."));
        code = defaultCode;
      }
    }
    String name = urlKey.substring(PREFIX.length());
    return Optional.of(new Redirect(code, location, name));
  }

  /**
   * The URL as a template: {@code http://} or {@code https://} (any case) or {@code $scheme://}
   * and a host, no white space, control characters or characters a URI never holds.
   */
  static VariableTemplate location(String url) {
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= ' ' || c >= 0x7f || "\"<>\\^`|".indexOf(c) >= 0) {
        throw new IllegalArgumentException("a URL cannot hold "
            + (c <= ' ' || c >= 0x7f ? String.format("the character \\x%02x", (int) c)
                : "the character " + c));
      }
    }
    String lower = url.toLowerCase(Locale.ROOT);
    int rest = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8
        : lower.startsWith("$scheme://") ? 10 : lower.startsWith("${scheme}://") ? 12 : -1;
    if (rest < 0) {
      throw new IllegalArgumentException("expected an http:// or https:// URL (only http and"
          + " https are valid protocols, as in ingress-nginx)");
    }
    if (rest >= url.length() || url.charAt(rest) == '/') {
      throw new IllegalArgumentException("the URL names no host");
    }
    VariableTemplate template = VariableTemplate.parse(url, 0);
    if (template.literalText().indexOf('{') >= 0 || template.literalText().indexOf('}') >= 0) {
      throw new IllegalArgumentException("a URL cannot hold { or } outside ${variable}");
    }
    return template;
  }

  private static String field(String key) {
    return "metadata.annotations[" + key + "]";
  }
}
