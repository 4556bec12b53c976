/**
 * Global settings from versioned ConfigMaps: the key table ({@link
 * dev.bollard.controller.settings.ConfigKeys}, the one place keys are defined and documented),
 * validation of one version ({@link dev.bollard.controller.settings.ConfigValidation}), and the
 * choice of the active version ({@link dev.bollard.controller.settings.GlobalConfig}, a pure
 * function of the store and the history the previous rebuild passed on).
 *
 * <p>A config family {@code NAMESPACE/NAME} is the set of ConfigMaps in {@code NAMESPACE} labelled
 * {@code bollard.dev/config: NAME}; each is one version, numbered by its {@code
 * bollard.dev/config-version} label. The highest version that validates is active unless one is
 * pinned. Nothing here talks to Kubernetes: it reads a {@link
 * dev.bollard.controller.store.ResourceStore}, so the manifest directory and the cluster behave
 * alike.
 */
@NullMarked
package dev.bollard.controller.settings;

import org.jspecify.annotations.NullMarked;
