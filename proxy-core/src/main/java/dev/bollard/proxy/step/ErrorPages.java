package dev.bollard.proxy.step;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.ErrorCodes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's custom error pages for one route: which response codes are replaced by a page
 * from an error backend, which backend serves them, and which backend serves the route's requests
 * while its Service has no ready endpoint. Part of the route's {@link RoutePolicy}, decided when
 * the chain is compiled. As in ingress-nginx:
 *
 * <ul>
 *   <li>the global {@code custom-http-errors} codes are served by the snapshot's default backend,
 *       even on the routes of an Ingress with a {@code default-backend} annotation (nginx's
 *       http-level {@code error_page … @custom_upstream-default-backend_…});
 *   <li>an Ingress's own {@code custom-http-errors} codes replace the global ones on its routes and
 *       are served by its {@code default-backend}, else by the default backend;
 *   <li>its {@code default-backend} serves its routes' requests while their Service has nothing
 *       ready, and counts only while it has a ready endpoint itself.
 * </ul>
 *
 * @param codes the codes replaced by an error page
 * @param ownCodes whether {@code codes} are the Ingress's own (its annotation) rather than global
 * @param defaultBackend the snapshot's default backend, or {@code null}
 * @param ownBackend the Ingress's {@code default-backend}, with a ready endpoint, or {@code null}
 */
public record ErrorPages(
    ErrorCodes codes,
    boolean ownCodes,
    @Nullable Backend defaultBackend,
    @Nullable Backend ownBackend) {

  /** No error pages. */
  public static final ErrorPages NONE = new ErrorPages(ErrorCodes.NONE, false, null, null);

  public ErrorPages {
    Objects.requireNonNull(codes, "codes");
  }

  /**
   * The error pages a route gets from the global settings: the global {@code codes}, served by
   * the snapshot's {@code defaultBackend}.
   */
  public static ErrorPages global(ErrorCodes codes, @Nullable Backend defaultBackend) {
    return new ErrorPages(codes, false, defaultBackend, null);
  }

  /** These pages, or {@link #NONE} if they replace nothing and serve nothing. */
  public ErrorPages orNone() {
    boolean replaces = !codes.isEmpty() && errorBackend() != null;
    return replaces || ownBackend != null ? this : NONE;
  }

  /** The backend that serves the error pages, or {@code null} for none. */
  public @Nullable Backend errorBackend() {
    return ownCodes && ownBackend != null ? ownBackend : defaultBackend;
  }

  /**
   * Whether a response of {@code status} is replaced by an error page: it is listed and the error
   * backend has a ready endpoint.
   */
  public boolean intercepts(int status) {
    if (!codes.contains(status)) {
      return false;
    }
    Backend b = errorBackend();
    return b != null && !b.endpoints().isEmpty();
  }

  /**
   * The backend that serves the route's requests while the route's own has no ready endpoint, or
   * {@code null} (then the proxy answers 503).
   */
  public @Nullable Backend unavailableBackend() {
    return ownBackend;
  }

  /** These pages for the Ingress's own codes (its {@code custom-http-errors}). */
  public ErrorPages withOwnCodes(ErrorCodes value) {
    return new ErrorPages(value, true, defaultBackend, ownBackend);
  }

  /**
   * These pages with the Ingress's own backend ({@code default-backend}). A backend without a
   * ready endpoint changes nothing, as in ingress-nginx.
   */
  public ErrorPages withOwnBackend(Backend value) {
    if (value.endpoints().isEmpty()) {
      return this;
    }
    return new ErrorPages(codes, ownCodes, defaultBackend, value);
  }
}
