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
}
