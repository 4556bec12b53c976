package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.step.UpstreamVhost;
import java.util.regex.Pattern;

/**
 * {@code nginx.ingress.kubernetes.io/upstream-vhost}: the {@code Host} header sent upstream. A host
 * name (letters, digits, {@code - . _}), an IPv4 address or a bracketed IPv6 literal, with an
 * optional {@code :port}. ingress-nginx pastes the value into its config, where nginx variables
 * ({@code $namespace}) are expanded; Bollard expands none and refuses a value with {@code $}
 * rather than send it literally.
 */
final class UpstreamVhostAnnotation implements FeatureAnnotation {

  static final String KEY = "nginx.ingress.kubernetes.io/upstream-vhost";

  private static final Pattern HOST =
      Pattern.compile("([A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?|\\[[0-9A-Fa-f:.]+])"
          + "(:[0-9]{1,5})?");

  @Override
  public String key() {
    return KEY;
  }

  @Override
  public RouteFeature parse(String value) {
    if (value.indexOf('$') >= 0) {
      throw new IllegalArgumentException("nginx variables are not expanded by Bollard; write the"
          + " host name itself, such as app.shop.svc.cluster.local");
    }
    if (value.length() > 261 || !HOST.matcher(value).matches() || !portInRange(value)) {
      throw new IllegalArgumentException("expected a host name with an optional port, such as"
          + " app.shop.svc.cluster.local or app.internal:8080");
    }
    return new UpstreamVhost(value);
  }

  private static boolean portInRange(String value) {
    int colon = value.lastIndexOf(':');
    if (colon < 0 || value.lastIndexOf(']') > colon) {
      return true;
    }
    int port = Integer.parseInt(value.substring(colon + 1));
    return port >= 1 && port <= 65535;
  }
}
