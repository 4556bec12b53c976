/**
 * The cluster as a source: {@link dev.bollard.controller.source.cluster.KubernetesSource}
 * (informers whose events only signal "something relevant changed", indexed by what each Ingress
 * refers to in {@link dev.bollard.controller.source.cluster.IngressReferences}) and its
 * leader-only side, {@code ClusterLeadership} (the Lease and the writers that hear published
 * results while leading). The API writers themselves live in {@code kube}.
 */
@NullMarked
package dev.bollard.controller.source.cluster;

import org.jspecify.annotations.NullMarked;
