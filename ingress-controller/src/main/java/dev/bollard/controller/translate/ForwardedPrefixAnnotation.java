package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.ForwardedPrefix;
import java.util.regex.Pattern;

/**
 * {@code nginx.ingress.kubernetes.io/x-forwarded-prefix}: the upstream request carries {@code
 * X-Forwarded-Prefix} with the annotation's value. As in ingress-nginx, the value may hold letters,
 * digits, {@code / . - _ ~ :} only (its "basic characters" rule, which keeps quotes and newlines
 * out of a header); an empty value is refused rather than sending an empty header.
 */
final class ForwardedPrefixAnnotation implements FeatureAnnotation {

  static final String KEY = "nginx.ingress.kubernetes.io/x-forwarded-prefix";

  private static final Pattern BASIC_CHARS = Pattern.compile("[/A-Za-z0-9._~:-]+");

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public RouteFeature parse(String value) {
    if (!BASIC_CHARS.matcher(value).matches()) {
      throw new IllegalArgumentException("expected a path such as /api, made of letters, digits"
          + " and / . - _ ~ : only");
    }
    return new ForwardedPrefix(value);
  }
}
