package dev.bollard.proxy.config;

/**
 * A per-route behaviour the controller's translator parsed from an Ingress annotation, carried by
 * {@link Route#features()}. The data plane runs each one as a step of the route's chain
 * (implementations are the step classes of {@code dev.bollard.proxy.step}), or, for a {@code
 * PolicyFeature} ({@code RequestBuffering}, {@code UpstreamTimeout}, {@code NextUpstreamRule}…),
 * applies it to the chain's relay policy;
 * this package only carries them, so the snapshot records do not depend on request handling.
 *
 * <p>Implementations are immutable values with value equality (records), so that a republished
 * snapshot with the same annotations compares equal.
 */
public interface RouteFeature {}
