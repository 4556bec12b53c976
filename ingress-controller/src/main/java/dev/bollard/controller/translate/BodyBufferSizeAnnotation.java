package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.BodyBufferSize;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nginx.ingress.kubernetes.io/client-body-buffer-size}: how much of one buffered request body
 * the Ingress's routes keep in memory (the rest goes to a temporary file), instead of the global
 * {@code client-body-buffer-size} key. nginx's size syntax ({@code 8192}, {@code 16k}, {@code 1m},
 * either case), at most {@code 64m} like the key.
 */
final class BodyBufferSizeAnnotation implements FeatureAnnotation {

  static final String KEY = "nginx.ingress.kubernetes.io/client-body-buffer-size";

  private static final Pattern SIZE = Pattern.compile("(\\d{1,8})([km]?)");
  private static final long MAX = 64L << 20;

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public RouteFeature parse(String value) {
    Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a size such as 8k, 16k or 1m");
    }
    long bytes = Long.parseLong(m.group(1)) << switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      default -> 0;
    };
    if (bytes > MAX) {
      throw new IllegalArgumentException("expected at most 64m (larger bodies go to a temporary"
          + " file anyway)");
    }
    return new BodyBufferSize((int) bytes);
  }
}
