package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's {@code proxy-redirect-from} and {@code proxy-redirect-to} (nginx's {@code
 * proxy_redirect from to}): in the upstream's {@code Location} header, and in the URL of its
 * {@code Refresh} header (after {@code url=}), a value starting with {@code from} (compared as
 * written, as nginx does) has that start replaced by {@code to}. Other values pass unchanged, as do
 * responses Bollard makes itself.
 *
 * @param from the start to replace, not empty
 * @param to what replaces it (may be empty)
 */
public record ProxyRedirect(String from, String to) implements RouteStep, RouteFeature {

  private static final String URL = "url=";
  private static final AsciiString REFRESH = AsciiString.cached("refresh");

  public ProxyRedirect {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.isEmpty()) {
      throw new IllegalArgumentException("from: \"\" (expected: the start of a Location)");
    }
  }

  @Override
  public Phase phase() {
    return Phase.HEADERS;
  }

  @Override
  public String name() {
    return "proxy-redirect";
  }

  @Override
  public void fromUpstream(StepRequest request, HttpResponse response) {
    HttpHeaders headers = response.headers();
    String location = headers.get(HttpHeaderNames.LOCATION);
    if (location != null) {
      String rewritten = rewrite(location, 0);
      if (rewritten != null) {
        headers.set(HttpHeaderNames.LOCATION, rewritten);
      }
    }
    String refresh = headers.get(REFRESH);
    if (refresh != null) {
      int url = refresh.toLowerCase(Locale.ROOT).indexOf(URL);
      String rewritten = url < 0 ? null : rewrite(refresh, url + URL.length());
      if (rewritten != null) {
        headers.set(REFRESH, rewritten);
      }
    }
  }

  /** {@code value} with {@code from} at {@code at} replaced, or null when it is not there. */
  @Nullable String rewrite(String value, int at) {
    if (!value.startsWith(from, at)) {
      return null;
    }
    return value.substring(0, at) + to + value.substring(at + from.length());
  }
}
