/**
 * The admin listener: a tiny HTTP server on its own port for liveness and readiness probes.
 *
 * <p>It runs on its own single-thread event loop so that a busy proxy never delays a probe, and it
 * knows nothing about routing: readiness is whatever {@link java.util.function.BooleanSupplier}
 * the wiring hands it. Metrics and status pages will live here too.
 */
@NullMarked
package dev.bollard.proxy.admin;

import org.jspecify.annotations.NullMarked;
