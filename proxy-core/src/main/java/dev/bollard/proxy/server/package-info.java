/**
 * The proxy's listener: event loops, the client pipeline (built in one place from {@link
 * dev.bollard.proxy.server.ServerSettings}) and graceful shutdown.
 *
 * <p>What happens to a request once it is decoded lives in {@code handler}; upstream connections
 * live in {@code upstream}.
 */
@NullMarked
package dev.bollard.proxy.server;

import org.jspecify.annotations.NullMarked;
