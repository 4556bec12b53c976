package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's {@code proxy-cookie-domain} and {@code proxy-cookie-path} (nginx's {@code
 * proxy_cookie_domain from to} and {@code proxy_cookie_path from to}): in each {@code Set-Cookie}
 * of the upstream's response, the {@code Domain} attribute equal to {@code from} (ignoring case and
 * a leading dot, as nginx) becomes {@code to}; a {@code Path} attribute starting with {@code from}
 * (as written) has that start replaced by {@code to}. Attribute names are found ignoring case;
 * cookies without the attribute, and responses Bollard makes itself, pass unchanged.
 *
 * @param attribute which attribute is rewritten
 * @param from the domain, or the start of the path, to replace
 * @param to what replaces it
 */
public record CookieRewrite(Attribute attribute, String from, String to)
    implements RouteStep, RouteFeature {

  /** The cookie attribute a rewrite is about. */
  public enum Attribute {
    /** {@code proxy-cookie-domain}: the whole domain, ignoring case and a leading dot. */
    DOMAIN("domain", "proxy-cookie-domain"),
    /** {@code proxy-cookie-path}: the start of the path, as written. */
    PATH("path", "proxy-cookie-path");

    private final String name;
    private final String stepName;

    Attribute(String name, String stepName) {
      this.name = name;
      this.stepName = stepName;
    }
  }

  public CookieRewrite {
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.isEmpty()) {
      throw new IllegalArgumentException("from: \"\" (expected: a " + attribute.name + ")");
    }
  }

  @Override
  public Phase phase() {
    return Phase.HEADERS;
  }

  @Override
  public String name() {
    return attribute.stepName;
  }

  @Override
  public void fromUpstream(StepRequest request, HttpResponse response) {
    List<String> cookies = response.headers().getAll(HttpHeaderNames.SET_COOKIE);
    if (cookies.isEmpty()) {
      return;
    }
    boolean changed = false;
    String[] out = new String[cookies.size()];
    for (int i = 0; i < out.length; i++) {
      String cookie = cookies.get(i);
      String rewritten = rewrite(cookie);
      out[i] = rewritten != null ? rewritten : cookie;
      changed |= rewritten != null;
    }
    if (changed) {
      response.headers().set(HttpHeaderNames.SET_COOKIE, List.of(out));
    }
  }

  /** The cookie with its attribute rewritten, or null when it does not apply. */
  @Nullable String rewrite(String cookie) {
    int i = cookie.indexOf(';');
    while (i >= 0) {
      int start = i + 1;
      while (start < cookie.length() && cookie.charAt(start) == ' ') {
        start++;
      }
      int next = cookie.indexOf(';', start);
      int end = next < 0 ? cookie.length() : next;
      int eq = cookie.indexOf('=', start);
      if (eq > 0 && eq < end
          && cookie.substring(start, eq).strip().equalsIgnoreCase(attribute.name)) {
        int valueStart = eq + 1;
        String value = cookie.substring(valueStart, end).strip();
        String replaced = attribute == Attribute.DOMAIN ? domain(value) : path(value);
        return replaced == null ? null
            : cookie.substring(0, valueStart) + replaced + cookie.substring(end);
      }
      i = next;
    }
    return null;
  }

  private @Nullable String domain(String value) {
    String bare = value.startsWith(".") ? value.substring(1) : value;
    String wanted = from.startsWith(".") ? from.substring(1) : from;
    return bare.equalsIgnoreCase(wanted) ? to : null;
  }

  private @Nullable String path(String value) {
    return value.startsWith(from) ? to + value.substring(from.length()) : null;
  }
}
