package dev.bollard.proxy.upstream;

/**
 * Where a leased {@link UpstreamConnection} goes back: an HTTP/1.1 connection to its loop's idle
 * pool ({@link LoopPool}), an HTTP/2 stream to the connection that carries it ({@link
 * Http2Upstreams}, which ends the stream).
 */
interface ConnectionHome {

  /** The lessee is done with {@code conn}, which ended cleanly. */
  void release(UpstreamConnection conn);

  /** {@code conn}'s idle deadline passed while it was pooled. */
  void idleExpired(UpstreamConnection conn);

  /**
   * Whether {@code conn}, now closed, surely never reached the upstream's application: an HTTP/2
   * stream refused by the peer's {@code GOAWAY} (its id above the frame's last-stream-id) or
   * never sent at all. Such a request may go again anywhere, whatever its method (RFC 9113,
   * section 8.7). Never for an HTTP/1.1 connection.
   */
  default boolean neverProcessed(UpstreamConnection conn) {
    return false;
  }
}
