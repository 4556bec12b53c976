package dev.bollard.controller.translate;

import dev.bollard.proxy.config.PathMatch;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;

/**
 * One path of one Ingress rule, checked but with its backend not yet resolved.
 *
 * @param hostPattern lower-case host pattern, or {@link SnapshotTranslator#DEFAULT_SERVER} for a
 *     rule without host
 * @param match how the path matches
 * @param backend the backend as written
 * @param field where the path sits in the Ingress, e.g. {@code spec.rules[0].http.paths[1]}
 */
record PathRule(String hostPattern, PathMatch match, IngressBackend backend, String field) {}
