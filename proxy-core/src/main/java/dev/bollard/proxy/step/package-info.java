/**
 * The per-route request steps: what happens to a request between routing and forwarding.
 *
 * <p>Each route of a {@link dev.bollard.proxy.routing.RouteTable} carries a {@link
 * dev.bollard.proxy.step.StepChain} compiled once per snapshot ({@link
 * dev.bollard.proxy.step.StepChains}): the route's own steps (from its Ingress's annotations)
 * merged with the global ones (ACME challenge, HTTPS redirect, global guard, header rules, log
 * capture) and ordered by {@link dev.bollard.proxy.step.Phase}. A step can answer the request,
 * pass, or ask the handler to wait for asynchronous work ({@link
 * dev.bollard.proxy.step.StepOutcome}); when the request is forwarded, each step may edit the
 * upstream head (in chain order) and the response head (in reverse order, like decorators
 * unwinding).
 *
 * <p>The one step that calls out, {@link dev.bollard.proxy.step.ExternalAuth} ({@code auth-url}),
 * does it through {@link dev.bollard.proxy.step.StepServices#auth()}, an interface the handler
 * implements over the upstream pools, so this package does not depend on connections.
 *
 * <p>A step is a small immutable object; it reads the request's host and path in the form routing
 * matched them ({@link dev.bollard.proxy.step.StepRequest}) and never normalises again, and it
 * reads no flag or ConfigMap at request time: whatever it needs was resolved when it was compiled.
 * Adding a per-route feature is a parser in the controller's {@code translate} package that
 * produces a step, plus the step class here.
 */
@NullMarked
package dev.bollard.proxy.step;

import org.jspecify.annotations.NullMarked;
