/**
 * Plain HTTP helpers every layer of the data plane may use: the normal forms of a request's host
 * and path ({@link dev.bollard.proxy.http.RequestPaths}) and the short plain-text responses the
 * proxy makes itself ({@link dev.bollard.proxy.http.PlainResponses}).
 *
 * <p>A leaf package: it depends on no other package of the proxy, so routing, the access log and
 * the route steps can all use it without depending on each other.
 */
@NullMarked
package dev.bollard.proxy.http;

import org.jspecify.annotations.NullMarked;
