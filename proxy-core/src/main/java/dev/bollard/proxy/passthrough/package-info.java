/**
 * SSL passthrough ({@code nginx.ingress.kubernetes.io/ssl-passthrough} with {@code
 * --enable-ssl-passthrough}): HTTPS connections whose ClientHello names a passed-through host are
 * relayed byte for byte, the ClientHello included, to that host's backend, over a fresh TCP
 * connection per client connection, with backpressure both ways and connect and idle timeouts.
 *
 * <p>The choice is made by the HTTPS listener's ClientHello step ({@code dev.bollard.proxy.tls});
 * this package only relays. It never decrypts, never looks at HTTP and never pools.
 */
@NullMarked
package dev.bollard.proxy.passthrough;

import org.jspecify.annotations.NullMarked;
