package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.CookieRewrite;
import dev.bollard.proxy.step.ProxyRedirect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's rewrites of the upstream's response headers, each {@code off} by default:
 *
 * <ul>
 *   <li>{@code proxy-redirect-from} and {@code proxy-redirect-to}, read together: nginx's {@code
 *       proxy_redirect from to} ({@link ProxyRedirect}). {@code default} is taken as {@code off}:
 *       in ingress-nginx it compares against its internal upstream name, which no backend sends.
 *   <li>{@code proxy-cookie-domain} and {@code proxy-cookie-path}, each {@code "from to"}: nginx's
 *       {@code proxy_cookie_domain} and {@code proxy_cookie_path} ({@link CookieRewrite}).
 * </ul>
 *
 * <p>nginx's regular-expression forms ({@code ~} and {@code ~*}) and variables ({@code $host}: nginx
 * expands them, Bollard does not) are refused (a problem; the annotation is not applied), as are
 * control characters and a cookie value that is not two words.
 */
final class ResponseRewriteAnnotations {

  static final String REDIRECT_FROM = RedirectAnnotations.PREFIX + "proxy-redirect-from";
  static final String REDIRECT_TO = RedirectAnnotations.PREFIX + "proxy-redirect-to";
  static final String COOKIE_DOMAIN = RedirectAnnotations.PREFIX + "proxy-cookie-domain";
  static final String COOKIE_PATH = RedirectAnnotations.PREFIX + "proxy-cookie-path";

  private ResponseRewriteAnnotations() {}

  /** The features of the Ingress's response-rewrite annotations; bad values go to {@code problems}. */
  static List<RouteFeature> parse(
      RouteSource source, Map<String, String> annotations, List<Problem> problems) {
    List<RouteFeature> features = new ArrayList<>();
    redirect(source, annotations, problems, features);
    cookie(source, annotations, COOKIE_DOMAIN, CookieRewrite.Attribute.DOMAIN, problems, features);
    cookie(source, annotations, COOKIE_PATH, CookieRewrite.Attribute.PATH, problems, features);
    return features;
  }

  private static void redirect(RouteSource source, Map<String, String> annotations,
      List<Problem> problems, List<RouteFeature> features) {
    String from = value(annotations, REDIRECT_FROM);
    String to = value(annotations, REDIRECT_TO);
    if (from == null || from.equals("default")) {
      if (to != null) {
        problems.add(new Problem(source, "metadata.annotations[" + REDIRECT_TO + "]",
            "ignored: " + REDIRECT_FROM + " is " + (from == null ? "off" : "default")
                + ", so nothing is rewritten (as in ingress-nginx). Set " + REDIRECT_FROM
                + " to the start of the Location to replace."));
      }
      return;
    }
    if (to == null) {
      problems.add(new Problem(source, "metadata.annotations[" + REDIRECT_FROM + "]",
          "ignored: " + REDIRECT_TO + " is off, so nothing is rewritten (as in ingress-nginx)."
              + " Set " + REDIRECT_TO + " to what replaces " + FeatureAnnotations.quote(from)
              + "."));
      return;
    }
    if (from.startsWith("~")) {
      problems.add(FeatureAnnotations.refused(source, REDIRECT_FROM, from,
          "regular expressions (nginx's ~ and ~*) are not supported; give the start of the"
              + " Location as written"));
      return;
    }
    if (refusedWord(source, REDIRECT_FROM, from, problems)
        || refusedWord(source, REDIRECT_TO, to, problems)) {
      return;
    }
    features.add(new ProxyRedirect(from, to));
  }

  private static void cookie(RouteSource source, Map<String, String> annotations, String key,
      CookieRewrite.Attribute attribute, List<Problem> problems, List<RouteFeature> features) {
    String value = value(annotations, key);
    if (value == null) {
      return;
    }
    String[] words = value.split("\\s+");
    if (words.length != 2) {
      problems.add(FeatureAnnotations.refused(source, key, annotations.get(key),
          "expected \"from to\" (two words) or off"));
    } else if (words[0].startsWith("~")) {
      problems.add(FeatureAnnotations.refused(source, key, annotations.get(key),
          "regular expressions (nginx's ~ and ~*) are not supported; give the value as written"));
    } else if (!refusedWord(source, key, value, problems)) {
      features.add(new CookieRewrite(attribute, words[0], words[1]));
    }
  }

  /**
   * Whether {@code value} names an nginx variable or holds whitespace or control characters (a
   * problem is reported): Bollard would write it out as it stands.
   */
  private static boolean refusedWord(RouteSource source, String key, String value,
      List<Problem> problems) {
    String why = null;
    if (value.indexOf('$') >= 0) {
      why = "nginx variables such as $host are not expanded by Bollard; write the value out";
    } else if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
        || (key.endsWith("redirect-from") || key.endsWith("redirect-to"))
            && value.chars().anyMatch(Character::isWhitespace)) {
      why = "whitespace or control characters cannot be part of the value";
    }
    if (why != null) {
      problems.add(FeatureAnnotations.refused(source, key, value, why));
      return true;
    }
    return false;
  }

  /** The annotation's value stripped, or null when absent, empty or {@code off}. */
  private static @Nullable String value(Map<String, String> annotations, String key) {
    String value = annotations.get(key);
    if (value == null) {
      return null;
    }
    String v = value.strip();
    return v.isEmpty() || v.equals("off") ? null : v;
  }
}
