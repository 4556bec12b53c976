/**
 * Upstream connections: opening them on the client's event loop (with TLS when the backend asks
 * for it, its client contexts cached per configuration), pooling keep-alive ones per event loop,
 * endpoint and TLS configuration, closing idle ones and those of endpoints that left the snapshot;
 * and HTTP/2 connections to gRPC backends ({@code Http2Upstreams}), whose streams are leased one
 * per request as if they were HTTP/1.1 connections.
 *
 * <p>Nothing here knows about client requests or routes; the handler drives a leased {@link
 * dev.bollard.proxy.upstream.UpstreamConnection} through an {@link
 * dev.bollard.proxy.upstream.UpstreamListener}.
 */
@NullMarked
package dev.bollard.proxy.upstream;

import org.jspecify.annotations.NullMarked;
