package dev.bollard.proxy.config;

/**
 * A per-route behaviour the controller's translator parsed from an Ingress annotation, carried by
 * {@link Route#features()}. The data plane runs each one as a step of the route's chain
 * (implementations are the step classes of {@code dev.bollard.proxy.step}), or, for a {@code
 * PolicyFeature} ({@code RequestBuffering}, {@code UpstreamTimeout}, {@code NextUpstreamRule},
 * {@code CustomHttpErrors}…), applies it to the chain's relay policy;
 * this package only carries them, so the snapshot records do not depend on request handling.
 *
 * <p>Implementations are immutable values with value equality (records), so that a republished
 * snapshot with the same annotations compares equal.
 */
public interface RouteFeature {

  /**
   * The backends this feature may send the route's requests to besides the route's own (the error
   * backend of {@code default-backend}): their endpoints count as in use, so the upstream pools
   * keep their connections.
   */
  default java.util.List<Backend> backends() {
    return java.util.List.of();
  }
}
