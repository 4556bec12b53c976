/**
 * Basic-auth guards for preview and staging hosts: {@link dev.bollard.proxy.guard.RequestGuard}
 * decides, per request and from the policy of the route that serves it, whether the request may
 * go upstream ({@link dev.bollard.proxy.guard.GuardVerdict}), and {@link
 * dev.bollard.proxy.guard.NoIndexHeaders} marks every response of a guarded host {@code
 * X-Robots-Tag: noindex, nofollow}.
 *
 * <p>Password hashing lives in the {@code auth} module and runs on the guard's own small pool,
 * never on an event loop. Which policy applies (route, host pattern) is decided when the route's
 * step chain is compiled ({@code dev.bollard.proxy.step.BasicAuth}), from the same route that
 * chooses the backend, so the guard can never disagree with routing. {@link
 * dev.bollard.proxy.guard.Http01Answers} is the seam where pending ACME HTTP-01 answers plug in.
 */
@NullMarked
package dev.bollard.proxy.guard;

import org.jspecify.annotations.NullMarked;
