package dev.bollard.proxy.step;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.ErrorCodes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's custom error pages for one route: which response codes are replaced by a page
 * from the error backend ({@code custom-http-errors}, the Ingress's annotation else the global
 * key), which backend serves them (the Ingress's {@code default-backend} annotation, else the
 * snapshot's default backend), and whether that backend also serves the route's requests while its
 * Service has no ready endpoint (only the annotation's does). Part of the route's {@link
 * RoutePolicy}, decided when the chain is compiled.
 *
 * @param codes the codes replaced by an error page
 * @param backend the error backend, or {@code null} for none (then nothing is replaced)
 * @param servesUnavailable whether {@code backend} also takes the route's requests while the route's
 *     own backend has no ready endpoint ({@code default-backend})
 */
public record ErrorPages(ErrorCodes codes, @Nullable Backend backend, boolean servesUnavailable) {

  /** No error pages. */
  public static final ErrorPages NONE = new ErrorPages(ErrorCodes.NONE, null, false);

  public ErrorPages {
    Objects.requireNonNull(codes, "codes");
  }

  /**
   * The error pages a route gets from the global settings: the global {@code codes}, served by
   * the snapshot's {@code defaultBackend}.
   */
  public static ErrorPages global(ErrorCodes codes, @Nullable Backend defaultBackend) {
    return new ErrorPages(codes, defaultBackend, false);
  }

  /** These pages, or {@link #NONE} if they replace nothing and serve nothing. */
  public ErrorPages orNone() {
    return backend == null || (codes.isEmpty() && !servesUnavailable) ? NONE : this;
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
    return new ErrorPages(value, backend, servesUnavailable);
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
    return new ErrorPages(codes, value, true);
  }
}
