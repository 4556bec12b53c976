/**
 * Basic-auth guards for preview and staging hosts: {@link dev.bollard.proxy.guard.RequestGuard}
 * decides, per request and from the policy of the route that serves it, whether the request may
 * go upstream ({@link dev.bollard.proxy.guard.GuardVerdict}), and {@link
 * dev.bollard.proxy.guard.NoIndexHeaders} marks every response of a guarded host {@code
 * X-Robots-Tag: noindex, nofollow}.
 *
 * <p>Password hashing lives in the {@code auth} module and runs on the guard's own small pool,
 * never on an event loop. Which policy applies (route, host pattern) is decided by the caller from
 * the same route match that chooses the backend, so the guard can never disagree with routing.
 */
@NullMarked
package dev.bollard.proxy.guard;

import org.jspecify.annotations.NullMarked;
