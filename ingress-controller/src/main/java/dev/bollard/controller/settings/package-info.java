/**
 * Every setting and its resolution: the catalog ({@link dev.bollard.controller.settings.Catalog},
 * one declaration per setting: flag, ConfigMap key, format, default, meaning, when applied), the
 * ConfigMap keys it has ({@link dev.bollard.controller.settings.ConfigKeys}), validation of one
 * version over the flags' values ({@link dev.bollard.controller.settings.ConfigValidation}, pure),
 * and the choice of the active version ({@link
 * dev.bollard.controller.settings.GlobalConfig}, a pure function of the store and the history the
 * previous rebuild passed on).
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
