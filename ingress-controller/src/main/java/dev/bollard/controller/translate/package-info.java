/**
 * Translation: a pure function from what a source read ({@link
 * dev.bollard.controller.translate.SourceRead}) and the config history to the whole answer of a
 * rebuild ({@link dev.bollard.controller.translate.TranslationResult}): the {@link
 * dev.bollard.proxy.config.RoutingSnapshot} with the global settings in force, the {@link
 * dev.bollard.controller.translate.Problem}s met on the way, the config verdict and the desired
 * Ingress status ({@link dev.bollard.controller.translate.IngressStatusPlan}).
 *
 * <p>Everything here is deterministic and free of I/O, clocks and logging, so that a YAML fixture
 * fully decides the output. Publishing, watching and reporting problems (logs, Events) live
 * elsewhere.
 */
@NullMarked
package dev.bollard.controller.translate;

import org.jspecify.annotations.NullMarked;
