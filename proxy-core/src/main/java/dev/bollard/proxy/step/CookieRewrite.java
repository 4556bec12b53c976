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
 * of the upstream's response, a {@code Domain} attribute equal to {@code from} (ignoring case and
 * a leading dot, which stays, as nginx) becomes {@code to}; a {@code Path} attribute starting with
 * {@code from} (as written) has that start replaced by {@code to}; every such attribute of a
 * cookie is rewritten. Attribute names are found ignoring case;
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

  /**
   * The cookie with every attribute of the kind rewritten where it applies (browsers use the last
   * one; nginx rewrites each), or null when none does.
   */
  @Nullable String rewrite(String cookie) {
    StringBuilder out = null;
    int copied = 0;
    int i = cookie.indexOf(';');
    while (i >= 0) {
      int start = i + 1;
      int next = cookie.indexOf(';', start);
      int end = next < 0 ? cookie.length() : next;
      int eq = cookie.indexOf('=', start);
      if (eq > 0 && eq < end
          && cookie.substring(start, eq).strip().equalsIgnoreCase(attribute.name)) {
        int valueStart = eq + 1;
        while (valueStart < end && cookie.charAt(valueStart) == ' ') {
          valueStart++;
        }
        int valueEnd = end;
        while (valueEnd > valueStart && cookie.charAt(valueEnd - 1) == ' ') {
          valueEnd--;
        }
        String replaced = attribute == Attribute.DOMAIN
            ? domain(cookie.substring(valueStart, valueEnd))
            : path(cookie.substring(valueStart, valueEnd));
        if (replaced != null) {
          if (out == null) {
            out = new StringBuilder(cookie.length() + to.length());
          }
          out.append(cookie, copied, valueStart).append(replaced);
          copied = valueEnd;
        }
      }
      i = next;
    }
    return out == null ? null : out.append(cookie, copied, cookie.length()).toString();
  }

  /** nginx keeps a leading dot of the cookie's domain and replaces what follows it. */
  private @Nullable String domain(String value) {
    boolean dot = value.startsWith(".");
    String bare = dot ? value.substring(1) : value;
    String wanted = from.startsWith(".") ? from.substring(1) : from;
    if (!bare.equalsIgnoreCase(wanted)) {
      return null;
    }
    String replacement = to.startsWith(".") ? to.substring(1) : to;
    return dot ? "." + replacement : replacement;
  }

  private @Nullable String path(String value) {
    return value.startsWith(from) ? to + value.substring(from.length()) : null;
  }
}
