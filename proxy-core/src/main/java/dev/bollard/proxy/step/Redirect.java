package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;
import java.util.Set;

/**
 * Answers every request of the route with a redirect: ingress-nginx's {@code permanent-redirect}
 * and {@code temporal-redirect} annotations, and a snippet's {@code return 301 URL}. The location
 * is sent as configured (the request's URI is not appended, as in ingress-nginx), its variables
 * expanded; a location starting with {@code /} is made absolute with the request's scheme and host,
 * as nginx's {@code absolute_redirect} does (ingress-nginx leaves the port out).
 *
 * <p>Phase {@link Phase#REDIRECT}: before the guard (nginx's {@code return} runs in the rewrite
 * phase, before access checks) and before the HTTP-to-HTTPS redirect (ingress-nginx's runs at the
 * end of that phase, after the location's {@code return}).
 *
 * @param code 301, 302, 303, 307 or 308
 * @param location where to, {@link VariableTemplate.Context#URI} expansion
 * @param name the step's name for status pages ({@code permanent-redirect}…)
 */
public record Redirect(int code, VariableTemplate location, String name)
    implements RouteStep, RouteFeature {

  /** The status codes whose {@code Location} nginx sends. */
  public static final Set<Integer> CODES = Set.of(301, 302, 303, 307, 308);

  public Redirect {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(name, "name");
    if (!CODES.contains(code)) {
      throw new IllegalArgumentException("code: " + code + " (expected: 301, 302, 303, 307 or 308)");
    }
  }

  @Override
  public Phase phase() {
    return Phase.REDIRECT;
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    return answer(code, absolute(request, location.expand(request, VariableTemplate.Context.URI)));
  }

  /** {@code location} made absolute the way nginx's {@code absolute_redirect} does. */
  static String absolute(StepRequest request, String location) {
    if (!location.startsWith("/")) {
      return location;
    }
    String host = request.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return (request.secure() ? "https://" : "http://") + host + location;
  }

  /** A redirect answer with a one-line plain-text body naming the location. */
  static StepOutcome.Answer answer(int code, String location) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(code);
    return keep -> {
      FullHttpResponse response = PlainResponses.text(status,
          code + " " + status.reasonPhrase() + ": " + PlainResponses.quote(location) + "\n", keep);
      response.headers().set(HttpHeaderNames.LOCATION, location);
      return response;
    };
  }

  @Override
  public String toString() {
    return name + " " + code + " " + location;
  }
}
