/**
 * What happens to a decoded client request: route lookup on the snapshot current when the request
 * arrived, hop-by-hop and {@code X-Forwarded-*} header rewriting, request bodies read whole before
 * an upstream is taken (request buffering), streaming relay to an upstream with backpressure both
 * ways, WebSocket byte relay, generated error responses, custom error pages fetched from an error
 * backend in place of an error ({@code ErrorPageExchange}), client timeouts and connection draining
 * for graceful shutdown, the external authentication requests of {@code step.ExternalAuth} sent
 * over the upstream pools ({@code AuthSubrequests}). Request validation (hostile input) also lives here, in {@code
 * RequestValidator}, with the lingering close that follows a refusal ({@code LingeringClose}).
 *
 * <p>Not here: the listener and pipeline assembly ({@code server}), upstream connection pooling
 * ({@code upstream}), route matching ({@code routing}).
 */
@NullMarked
package dev.bollard.proxy.handler;

import org.jspecify.annotations.NullMarked;
