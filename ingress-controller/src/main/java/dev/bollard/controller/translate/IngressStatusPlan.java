package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The desired {@code status.loadBalancer.ingress} of the Ingresses whose status differs from it:
 * our Ingresses get the published address; an Ingress that is not ours and carries exactly that
 * list (what we would have written) is cleared. Computed by translation; {@code
 * kube.IngressStatusWriter} brings the API server to it on the leader.
 *
 * @param updates one per Ingress to write, in store order (by namespace, then name)
 */
public record IngressStatusPlan(List<Update> updates) {

  /** Nothing to write (standalone, or no address configured). */
  public static final IngressStatusPlan NONE = new IngressStatusPlan(List.of());

  public IngressStatusPlan {
    updates = List.copyOf(updates);
  }

  /**
   * One Ingress's new status.
   *
   * @param namespace the Ingress's namespace
   * @param name the Ingress's name
   * @param addresses the new list; empty clears it (the Ingress stopped being ours)
   */
  public record Update(String namespace, String name, List<IngressLoadBalancerIngress> addresses) {
    public Update {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * Where our address comes from.
   *
   * @param publishService {@code namespace/name} of the Service whose load-balancer status is
   *     our address, or {@code null}
   * @param fixed fixed IPs or host names; used when not empty, before the Service
   */
  public record Address(@Nullable String publishService, List<String> fixed) {

    /** No address: status is never written (standalone). */
    public static final Address NONE = new Address(null, List.of());

    public Address {
      fixed = List.copyOf(fixed);
    }

    /** Whether status is written at all. */
    public boolean configured() {
      return publishService != null || !fixed.isEmpty();
    }

    List<IngressLoadBalancerIngress> resolve(ResourceStore store) {
      List<IngressLoadBalancerIngress> out = new ArrayList<>();
      if (!fixed.isEmpty()) {
        for (String a : fixed) {
          out.add(address(isIp(a) ? a : null, isIp(a) ? null : a));
        }
        return out;
      }
      String key = publishService;
      if (key == null) {
        return out;
      }
      int slash = key.indexOf('/');
      Optional<Service> service =
          store.service(key.substring(0, slash), key.substring(slash + 1));
      if (service.isPresent()
          && service.get().getStatus() != null
          && service.get().getStatus().getLoadBalancer() != null
          && service.get().getStatus().getLoadBalancer().getIngress() != null) {
        for (LoadBalancerIngress lb : service.get().getStatus().getLoadBalancer().getIngress()) {
          out.add(address(lb.getIp(), lb.getHostname()));
        }
      }
      return out;
    }
  }

  /** The plan for every Ingress of {@code store}; {@code ours} are the selected ones. */
  static IngressStatusPlan of(ResourceStore store, Set<Ingress> ours, Address address) {
    if (!address.configured()) {
      return NONE;
    }
    List<IngressLoadBalancerIngress> desired = address.resolve(store);
    List<Update> updates = new ArrayList<>();
    for (Ingress ingress : store.ingresses()) {
      List<IngressLoadBalancerIngress> current = current(ingress);
      String ns = ResourceStore.namespaceOf(ingress);
      String name = ingress.getMetadata().getName();
      if (ours.contains(ingress)) {
        if (!current.equals(desired)) {
          updates.add(new Update(ns, name, desired));
        }
      } else if (!current.isEmpty() && current.equals(desired)) {
        updates.add(new Update(ns, name, List.of()));
      }
    }
    return new IngressStatusPlan(updates);
  }

  /**
   * The Ingress's {@code status.loadBalancer.ingress} as this plan writes addresses (ip or host
   * name alone), empty when unset: what the plan and the status writer compare with.
   */
  public static List<IngressLoadBalancerIngress> current(Ingress ingress) {
    if (ingress.getStatus() == null
        || ingress.getStatus().getLoadBalancer() == null
        || ingress.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    List<IngressLoadBalancerIngress> out = new ArrayList<>();
    for (IngressLoadBalancerIngress lb : ingress.getStatus().getLoadBalancer().getIngress()) {
      out.add(address(lb.getIp(), lb.getHostname()));
    }
    return out;
  }

  private static IngressLoadBalancerIngress address(@Nullable String ip, @Nullable String host) {
    return new IngressLoadBalancerIngressBuilder().withIp(ip).withHostname(host).build();
  }

  private static boolean isIp(String a) {
    return a.matches("[0-9.]+") || a.contains(":");
  }
}
