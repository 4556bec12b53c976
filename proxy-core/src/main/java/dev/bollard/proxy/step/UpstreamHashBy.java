package dev.bollard.proxy.step;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.RouteFeature;
import java.util.Objects;

/**
 * ingress-nginx's {@code upstream-hash-by} (annotation, and ConfigMap key for routes without
 * one): consistent hashing of a key made of nginx variables ({@code $request_uri}, {@code
 * $remote_addr}, {@code $http_x_user}, {@code $cookie_session}, {@code $host$request_uri}, ...),
 * so requests with the same key go to the same endpoint, and when endpoints come or go only the
 * keys of their share (about 1/N) move ({@link HashRing}). The request is pinned to the key's
 * endpoint ({@link StepRequest#pinEndpoint}); when that endpoint fails, a retry goes on in the
 * route's balancing order, as nginx's {@code hash … consistent} goes to the next server.
 *
 * <p>Runs in {@link Phase#BACKEND} after any {@link Canary} (the translator lists a canary before
 * the Ingress's annotations' features, and the chain keeps that order within a phase), so the key
 * is hashed over the endpoints of the backend the request finally goes to. Per request it
 * allocates the key's text (none for a constant key) and nothing else.
 *
 * @param key the key's template, compiled when the Ingress was translated
 */
public record UpstreamHashBy(VariableTemplate key) implements RouteStep, RouteFeature {

  public UpstreamHashBy {
    Objects.requireNonNull(key, "key");
  }

  /**
   * The step for the expression {@code text}.
   *
   * @throws IllegalArgumentException naming the unknown or malformed variable, or for a blank text
   */
  public static UpstreamHashBy parse(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("an empty key (expected nginx variables such as"
          + " $request_uri or $remote_addr)");
    }
    return new UpstreamHashBy(VariableTemplate.parse(trimmed, 0));
  }

  @Override
  public Phase phase() {
    return Phase.BACKEND;
  }

  @Override
  public String name() {
    return "upstream-hash-by";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    Backend backend = request.backend();
    if (backend == null || backend.endpoints().size() < 2) {
      return StepOutcome.PASS; // nothing to choose between
    }
    Endpoint endpoint = HashRing.of(backend)
        .pick(key.expand(request, VariableTemplate.Context.HEADER));
    if (endpoint != null) {
      request.pinEndpoint(endpoint);
    }
    return StepOutcome.PASS;
  }
}
