/**
 * The Kubernetes side of the control plane: informers that feed rebuilds ({@link
 * dev.bollard.controller.kube.KubernetesSource}), leader election on a {@code coordination.k8s.io}
 * Lease ({@link dev.bollard.controller.kube.LeaderElection}), Ingress status ({@link
 * dev.bollard.controller.kube.IngressStatusWriter}) and Events ({@link
 * dev.bollard.controller.kube.EventRecorder}).
 *
 * <p>Informer callbacks only signal "something relevant changed"; every API write runs on one
 * writer thread, never on the rebuild thread or an informer thread, and only on the leader.
 */
@NullMarked
package dev.bollard.controller.kube;

import org.jspecify.annotations.NullMarked;
