/**
 * HTTP/2 towards clients: the switch from the HTTPS listener's HTTP/1.1 steps to HTTP/2 when ALPN
 * chose {@code h2} ({@code AlpnSwitch}), and the HTTP/2 pipelines ({@code Http2Pipelines}): the
 * connection's frame codec with its limits (the hardening against rapid reset, CONTINUATION, control
 * frame and empty DATA floods), the pause of its reading while answers pile up unsent or once it
 * closes ({@code Http2ReadPause}), and per stream a child channel whose pipeline converts frames to
 * HTTP/1.1 messages and runs the same request handling as an HTTP/1.1 connection.
 *
 * <p>Not here: what a stream's request goes through ({@code handler}: {@code Http2StreamHead},
 * {@code Http2StreamTimers}, {@code ProxyHandler}, and the connection-wide {@code Http2Connection});
 * the ALPN offer itself ({@code tls}); upstreams, which stay HTTP/1.1 ({@code upstream}).
 */
@NullMarked
package dev.bollard.proxy.http2;

import org.jspecify.annotations.NullMarked;
