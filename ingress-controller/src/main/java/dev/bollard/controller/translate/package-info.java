/**
 * Translation: a pure function from a {@link dev.bollard.controller.store.ResourceStore} to a
 * {@link dev.bollard.proxy.config.RoutingSnapshot} plus the {@link
 * dev.bollard.controller.translate.Problem}s met on the way.
 *
 * <p>Everything here is deterministic and free of I/O, clocks and logging, so that a YAML fixture
 * fully decides the output. Publishing, watching and reporting problems (logs, Events) live
 * elsewhere.
 */
@NullMarked
package dev.bollard.controller.translate;

import org.jspecify.annotations.NullMarked;
