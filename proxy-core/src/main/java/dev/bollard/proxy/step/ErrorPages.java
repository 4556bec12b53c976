package dev.bollard.proxy.step;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.ErrorCodes;
import dev.bollard.proxy.config.Route;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's custom error pages for one route: which response codes are replaced by a page
 * from the error backend ({@code custom-http-errors}, the Ingress's annotation else the global
 * key), which backend serves them (the Ingress's {@code default-backend} annotation, else the
 * snapshot's default backend), whether that backend also serves the route's requests while its
 * Service has no ready endpoint (only the annotation's does), and the names the error backend is
 * told in {@code X-Namespace}, {@code X-Ingress-Name}, {@code X-Service-Name} and {@code
 * X-Service-Port}. Part of the route's {@link RoutePolicy}, decided when the chain is compiled.
 *
 * @param codes the codes replaced by an error page
 * @param backend the error backend, or {@code null} for none (then nothing is replaced)
 * @param servesUnavailable whether {@code backend} also takes the route's requests while the route's
 *     own backend has no ready endpoint ({@code default-backend})
 * @param names what the route is, for the error backend's headers
 */
public record ErrorPages(
    ErrorCodes codes, @Nullable Backend backend, boolean servesUnavailable, Names names) {

  /** No error pages. */
  public static final ErrorPages NONE = new ErrorPages(ErrorCodes.NONE, null, false, Names.NONE);

  public ErrorPages {
    Objects.requireNonNull(codes, "codes");
    Objects.requireNonNull(names, "names");
  }

  /**
   * The error pages a route gets from the global settings: the global {@code codes}, served by
   * the snapshot's {@code defaultBackend}.
   */
  public static ErrorPages global(ErrorCodes codes, @Nullable Backend defaultBackend, Route route) {
    return new ErrorPages(codes, defaultBackend, false, Names.of(route));
  }

  /**
   * Whether a response of {@code status} is replaced by an error page: it is listed and the error
   * backend has a ready endpoint (ingress-nginx ignores a custom default backend without one).
   */
  public boolean intercepts(int status) {
    Backend b = backend;
    return codes.contains(status) && b != null && !b.endpoints().isEmpty();
  }

  /**
   * The backend that serves the route's requests while the route's own has no ready endpoint, or
   * {@code null} (then the proxy answers 503).
   */
  public @Nullable Backend unavailableBackend() {
    Backend b = backend;
    return servesUnavailable && b != null && !b.endpoints().isEmpty() ? b : null;
  }

  /** These pages for other codes (an Ingress's {@code custom-http-errors}). */
  public ErrorPages withCodes(ErrorCodes value) {
    return new ErrorPages(value, backend, servesUnavailable, names);
  }

  /**
   * These pages served by an Ingress's own backend ({@code default-backend}), which also serves the
   * route while it has no ready endpoint. A backend without a ready endpoint changes nothing, as in
   * ingress-nginx: the error backend stays the default one.
   */
  public ErrorPages withOwnBackend(Backend value) {
    if (value.endpoints().isEmpty()) {
      return this;
    }
    return new ErrorPages(codes, value, true, names);
  }

  /**
   * The route as the error backend is told about it: ingress-nginx's {@code $namespace}, {@code
   * $ingress_name}, {@code $service_name} and {@code $service_port}. Empty values are not sent.
   *
   * @param namespace the Ingress's namespace
   * @param ingress the Ingress's name
   * @param service the name of the route's Service
   * @param port the route's Service port as the Ingress names it (number or name)
   */
  public record Names(String namespace, String ingress, String service, String port) {

    /** Nothing known (requests no route serves). */
    public static final Names NONE = new Names("", "", "", "");

    /**
     * The names of {@code route}: its source's, and its backend's id read as {@code
     * namespace/service:port}.
     */
    public static Names of(Route route) {
      String id = route.backend().id();
      int slash = id.indexOf('/');
      int colon = id.lastIndexOf(':');
      String service = id.substring(slash + 1, colon > slash ? colon : id.length());
      String port = colon > slash ? id.substring(colon + 1) : "";
      return new Names(route.source().namespace(), route.source().name(), service, port);
    }
  }
}
