/**
 * Route lookup: a {@link dev.bollard.proxy.routing.RouteTable} compiled once per snapshot, and
 * {@link dev.bollard.proxy.routing.CurrentRoutes}, the one swap point the server reads from.
 *
 * <p>Pure in-memory code: no Netty, no I/O.
 */
@NullMarked
package dev.bollard.proxy.routing;

import org.jspecify.annotations.NullMarked;
