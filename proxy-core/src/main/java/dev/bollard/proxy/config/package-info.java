/**
 * The routing snapshot: immutable records that describe everything the data plane serves.
 *
 * <p>The control plane builds a {@link dev.bollard.proxy.config.RoutingSnapshot} and the data plane
 * reads it; nothing in here knows where a snapshot came from (Kubernetes, a manifest directory, a
 * test). Records give value equality, which the publisher uses to skip snapshots that change
 * nothing. No Netty, no fabric8, no I/O in this package.
 */
@NullMarked
package dev.bollard.proxy.config;

import org.jspecify.annotations.NullMarked;
