/**
 * A minimal HTTP/1.1 reverse proxy for the load harness (targets {@code relay-codec} and
 * {@code relay-raw}, docs/benchmarks.md "A minimal relay"), not shipped and not Bollard: one
 * upstream, no routing, no steps. It exists to measure what an in-place head relay buys against
 * Netty's HTTP codecs on the same event loop and transport, before Bollard's data plane is
 * rewritten for it.
 *
 * <ul>
 *   <li>{@code codec}: {@code HttpServerCodec} to clients, {@code HttpClientCodec} to the upstream,
 *       {@code HttpObject}s forwarded ({@link CodecClient}, {@link CodecUpstream}).
 *   <li>{@code raw}: the head parsed as an index over the received buffer ({@link HeadIndex}), the
 *       forwarded head copied from ranges of that buffer plus the headers the proxy adds, bodies
 *       passed through as bytes ({@link RawClient}, {@link RawUpstream}, {@link ChunkScanner}).
 * </ul>
 *
 * <p>Both keep client connections alive, pool upstream connections per event loop
 * ({@link IdlePool}), drop hop-by-hop headers and add {@code X-Forwarded-For/-Host/-Proto/-Port}
 * (what the harness's nginx sets).
 */
@NullMarked
package dev.bollard.bench.relay;

import org.jspecify.annotations.NullMarked;
