/**
 * The resource store: an immutable, indexed view of the Kubernetes resources translation reads.
 *
 * <p>Sources (informers, the manifest directory) fill a {@link
 * dev.bollard.controller.store.ResourceStore}; the translator only looks things up in it. No I/O,
 * no watching and no translation rules live here.
 */
@NullMarked
package dev.bollard.controller.store;

import org.jspecify.annotations.NullMarked;
