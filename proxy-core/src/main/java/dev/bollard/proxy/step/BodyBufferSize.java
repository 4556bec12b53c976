package dev.bollard.proxy.step;

/**
 * ingress-nginx's {@code client-body-buffer-size} annotation: how much of one buffered request body
 * the routes of the Ingress keep in memory before the rest goes to a temporary file, instead of
 * the global key's value. Not a step: it sets the chain's {@link RoutePolicy#bodyBuffering()} when
 * the chain is compiled.
 *
 * @param memoryBytes bytes of one body kept in memory
 */
public record BodyBufferSize(int memoryBytes) implements PolicyFeature {

  public BodyBufferSize {
    if (memoryBytes < 0) {
      throw new IllegalArgumentException("memoryBytes: " + memoryBytes + " (expected: >= 0)");
    }
  }

  @Override
  public RoutePolicy applyTo(RoutePolicy policy) {
    return policy.withBodyBuffering(policy.bodyBuffering().withMemoryBytes(memoryBytes));
  }
}
