package dev.bollard.proxy.accesslog;

/**
 * Receives every completed request once (access log, metrics). Called on the request's event loop:
 * implementations must return quickly and never block.
 */
@FunctionalInterface
public interface RequestSink {

  /** Ignores everything. */
  RequestSink NONE = facts -> {};

  /** The request completed ({@link RequestFacts#complete} returned true). */
  void completed(RequestFacts facts);

  /** This sink, then {@code next}. */
  default RequestSink andThen(RequestSink next) {
    if (next == NONE) {
      return this;
    }
    if (this == NONE) {
      return next;
    }
    return facts -> {
      completed(facts);
      next.completed(facts);
    };
  }
}
