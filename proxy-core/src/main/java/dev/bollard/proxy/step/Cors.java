package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's {@code enable-cors}: answers CORS preflights itself and adds the CORS headers to
 * the responses of requests whose {@code Origin} is allowed.
 *
 * <p>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method})
 * from an allowed origin is answered with 204 and the CORS headers; the upstream never sees it.
 * Phase {@link Phase#REDIRECT}: before the guard, as nginx's {@code if ... return 204} runs in the
 * rewrite phase, before {@code auth_basic}, so a preflight needs no credentials; and before the
 * location's redirects (the translator puts it ahead of a location snippet's program and {@code
 * permanent-redirect}, and the HTTPS redirect comes last), as ingress-nginx's directives run. Any
 * other request
 * from an allowed origin gets the headers on its response, the upstream's or the proxy's own.
 *
 * <p>Origins: {@code *} allows every origin and sends {@code Access-Control-Allow-Origin: *} on
 * every response (as ingress-nginx, with or without {@code Origin}); a list sends the request's
 * {@code Origin} back when it matches an entry, case-insensitively and as a whole (ingress-nginx's
 * regular expression is anchored only at the end); every response then says {@code Vary: Origin}
 * (ingress-nginx does not), so a cache keeps one answer per origin. An entry {@code
 * https://*.example.com} matches one label in place of the {@code *}, as in ingress-nginx. With
 * {@code *}, {@code Access-Control-Allow-Credentials} is never sent (ingress-nginx sends {@code
 * true}, which browsers refuse with {@code *}). Everything but the origin is compiled once.
 *
 * <p>Constructor arguments: {@code origins}, lower case: {@code ["*"]}, or {@code
 * scheme://host[:port]} entries, a host possibly starting with {@code *.}; {@code methods},
 * {@code headers}, {@code exposeHeaders}: the header values as written, expose empty for none; {@code credentials}: whether {@code Access-Control-Allow-Credentials:
 * true} is sent, never with {@code *}; {@code maxAge}: seconds.
 */
public final class Cors implements RouteStep, RouteFeature {

  /** ingress-nginx's default {@code cors-allow-methods}. */
  public static final String DEFAULT_METHODS = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
  /** ingress-nginx's default {@code cors-allow-headers}. */
  public static final String DEFAULT_HEADERS = "DNT,Keep-Alive,User-Agent,X-Requested-With,"
      + "If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";
  /** ingress-nginx's default {@code cors-max-age}: 20 days. */
  public static final long DEFAULT_MAX_AGE = 1728000;

  private final List<String> origins;
  private final String methods;
  private final String headers;
  private final String exposeHeaders;
  private final boolean credentials;
  private final long maxAge;
  private final boolean anyOrigin;
  private final String maxAgeText;

  public Cors(List<String> origins, String methods, String headers, String exposeHeaders,
      boolean credentials, long maxAge) {
    this.origins = List.copyOf(origins);
    this.methods = Objects.requireNonNull(methods, "methods");
    this.headers = Objects.requireNonNull(headers, "headers");
    this.exposeHeaders = Objects.requireNonNull(exposeHeaders, "exposeHeaders");
    this.credentials = credentials;
    this.maxAge = maxAge;
    this.anyOrigin = origins.contains("*");
    this.maxAgeText = Long.toString(maxAge);
    if (this.origins.isEmpty()) {
      throw new IllegalArgumentException("origins: none");
    }
    for (String origin : origins) {
      if (!origin.equals(origin.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("origins: not lower case: " + origin);
      }
    }
    if (maxAge < 0) {
      throw new IllegalArgumentException("maxAge: " + maxAge);
    }
  }

  /** The allowed origins, lower case ({@code ["*"]} for every origin). */
  public List<String> origins() {
    return origins;
  }

  /** Whether {@code Access-Control-Allow-Credentials: true} is sent (never with {@code *}). */
  public boolean credentials() {
    return credentials && !anyOrigin;
  }

  /** Whether every origin is allowed ({@code *}). */
  public boolean anyOrigin() {
    return anyOrigin;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cors c && origins.equals(c.origins) && methods.equals(c.methods)
        && headers.equals(c.headers) && exposeHeaders.equals(c.exposeHeaders)
        && credentials == c.credentials && maxAge == c.maxAge;
  }

  @Override
  public int hashCode() {
    return Objects.hash(origins, methods, headers, exposeHeaders, credentials, maxAge);
  }

  @Override
  public Phase phase() {
    return Phase.REDIRECT;
  }

  @Override
  public String name() {
    return "cors";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    HttpHeaders head = request.head().headers();
    if (!HttpMethod.OPTIONS.equals(request.head().method())
        || !head.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
      return StepOutcome.PASS;
    }
    String origin = allowedOrigin(head.get(HttpHeaderNames.ORIGIN));
    if (origin == null) {
      return StepOutcome.PASS;
    }
    StepOutcome.Answer answer = keep -> {
      FullHttpResponse response = new DefaultFullHttpResponse(
          HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
      // ingress-nginx's preflight answer: no body, its Content-Type as nginx.tmpl writes it.
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain charset=UTF-8")
          .set(HttpHeaderNames.CONTENT_LENGTH, 0);
      if (!keep) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      write(response.headers(), origin);
      return response;
    };
    return answer;
  }

  @Override
  public void toClient(StepRequest request, HttpResponse response) {
    String origin = allowedOrigin(request.head().headers().get(HttpHeaderNames.ORIGIN));
    if (origin != null) {
      write(response.headers(), origin);
    } else if (!anyOrigin) {
      // The answer depends on Origin: a cache must not give this one to an allowed origin.
      response.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }
  }

  private void write(HttpHeaders out, String origin) {
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if (anyOrigin) {
      out.remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS);
    } else {
      out.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
      if (credentials) {
        out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
      }
    }
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, headers);
    if (!exposeHeaders.isEmpty()) {
      out.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
    }
    out.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, maxAgeText);
  }

  /**
   * What {@code Access-Control-Allow-Origin} says for a request with this {@code Origin}: {@code
   * *}, the origin itself, or null when it is not allowed (no CORS headers). No allocation.
   */
  @Nullable String allowedOrigin(@Nullable String origin) {
    if (anyOrigin) {
      return "*";
    }
    if (origin == null) {
      return null;
    }
    for (String allowed : origins) {
      if (matches(allowed, origin)) {
        return origin;
      }
    }
    return null;
  }

  /** Whether {@code origin} is {@code allowed}, case-insensitively, {@code *.} being one label. */
  static boolean matches(String allowed, String origin) {
    int star = allowed.indexOf("://*.");
    if (star < 0) {
      return allowed.equalsIgnoreCase(origin);
    }
    int prefix = star + 3;
    int suffix = allowed.length() - prefix - 1; // ".example.com[:port]"
    int label = origin.length() - prefix - suffix;
    if (label < 1 || !origin.regionMatches(true, 0, allowed, 0, prefix)
        || !origin.regionMatches(true, origin.length() - suffix, allowed, prefix + 1, suffix)) {
      return false;
    }
    for (int i = prefix; i < prefix + label; i++) {
      char c = origin.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "cors " + String.join(",", origins) + (credentials() ? " credentials" : "");
  }
}
