package dev.bollard.proxy.routing;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.step.StepChain;
import org.jspecify.annotations.Nullable;

/**
 * Where a request goes, as one value; never null. The host and path are in the normal form routing
 * matched them in: nothing downstream normalises again.
 *
 * @param route the matching route, or {@code null} for the default backend or no match
 * @param backend where to send the request, or {@code null} when nothing matched (404)
 * @param host the request's host: lower case, no port, no trailing dot
 * @param path the request's path: percent-decoded, slashes merged, dot segments removed
 * @param steps what runs before the request is forwarded (or answered): the route's chain, or
 *     the chain of its host for requests no route serves
 */
public record Routed(
    @Nullable Route route,
    @Nullable Backend backend,
    String host,
    String path,
    StepChain steps) {

  /** Whether there is a backend to send the request to. */
  public boolean isFound() {
    return backend != null;
  }
}
