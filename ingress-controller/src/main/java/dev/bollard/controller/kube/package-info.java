/**
 * Writing to the Kubernetes API: leader election on a {@code coordination.k8s.io} Lease ({@link
 * dev.bollard.controller.kube.LeaderElection}; the renew deadline kept by this process's own
 * clock in {@code RenewalClock}, stamped by the elector's {@code GuardedLeaseLock}), Events ({@link
 * dev.bollard.controller.kube.EventRecorder}), and the leader-only listeners of published results:
 * Ingress status ({@link dev.bollard.controller.kube.IngressStatusWriter}), problem Events ({@link
 * dev.bollard.controller.kube.ProblemEvents}) and config Events ({@link
 * dev.bollard.controller.kube.ConfigEvents}).
 *
 * <p>Nothing here reads the cluster to build snapshots (that is {@code source.cluster}) or decides
 * what to write (that is translation). API writes run only on the leader, at a bounded rate
 * ({@link dev.bollard.controller.kube.WriteSettings}), and on the writers' own threads (one for
 * status, one for Events), never on the rebuild thread or an informer thread.
 */
@NullMarked
package dev.bollard.controller.kube;

import org.jspecify.annotations.NullMarked;
