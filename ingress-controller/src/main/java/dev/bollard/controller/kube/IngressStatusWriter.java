package dev.bollard.controller.kube;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.IngressClassSelection;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code status.loadBalancer.ingress} of our Ingresses equal to the published address, and
 * clears it on Ingresses that stopped being ours; only on the leader, only when it differs.
 *
 * <p>The address is {@code --publish-status-address} (IPs or host names) or, with {@code
 * --publish-service}, that Service's own load-balancer status. Without either, status is not
 * written. An Ingress that is not ours is cleared when its status is exactly our address list,
 * which is what we would have written. Writes run on the writer thread.
 */
public final class IngressStatusWriter {

  private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);

  private final KubernetesClient client;
  private final Executor writer;
  private final BooleanSupplier leading;
  private final IngressClassSelection classes;
  private final @Nullable String publishService;
  private final List<String> publishAddresses;

  /**
   * @param publishService {@code namespace/name}, or {@code null}
   * @param publishAddresses fixed addresses; used when not empty, before the Service
   */
  public IngressStatusWriter(
      KubernetesClient client,
      Executor writer,
      BooleanSupplier leading,
      IngressClassSelection classes,
      @Nullable String publishService,
      List<String> publishAddresses) {
    this.client = client;
    this.writer = writer;
    this.leading = leading;
    this.classes = classes;
    this.publishService = publishService;
    this.publishAddresses = List.copyOf(publishAddresses);
  }

  /** Brings every Ingress's status in line with the store (as the informers see it). */
  public void update(ResourceStore store) {
    if (!leading.getAsBoolean() || (publishService == null && publishAddresses.isEmpty())) {
      return;
    }
    List<IngressLoadBalancerIngress> desired = desired(store);
    List<Write> writes = new ArrayList<>();
    for (Ingress ingress : store.ingresses()) {
      List<IngressLoadBalancerIngress> current = current(ingress);
      if (classes.selects(ingress, store)) {
        if (!current.equals(desired)) {
          writes.add(new Write(ingress, desired));
        }
      } else if (!current.isEmpty() && current.equals(desired)) {
        writes.add(new Write(ingress, List.of()));
      }
    }
    if (!writes.isEmpty()) {
      writer.execute(() -> writes.forEach(this::write));
    }
  }

  private record Write(Ingress ingress, List<IngressLoadBalancerIngress> addresses) {}

  private void write(Write w) {
    if (!leading.getAsBoolean()) {
      return;
    }
    String ns = ResourceStore.namespaceOf(w.ingress());
    String name = w.ingress().getMetadata().getName();
    try {
      client
          .network()
          .v1()
          .ingresses()
          .inNamespace(ns)
          .withName(name)
          .editStatus(
              i ->
                  new IngressBuilder(i)
                      .editOrNewStatus()
                      .withNewLoadBalancer()
                      .withIngress(w.addresses())
                      .endLoadBalancer()
                      .endStatus()
                      .build());
      log.info(
          "Ingress {}/{}: status.loadBalancer.ingress {}",
          ns,
          name,
          w.addresses().isEmpty() ? "cleared (not ours any more)" : "set to " + text(w.addresses()));
    } catch (KubernetesClientException e) {
      log.warn("Ingress {}/{}: cannot write status: {}", ns, name, e.getMessage());
    }
  }

  private List<IngressLoadBalancerIngress> desired(ResourceStore store) {
    List<IngressLoadBalancerIngress> out = new ArrayList<>();
    if (!publishAddresses.isEmpty()) {
      for (String a : publishAddresses) {
        out.add(address(isIp(a) ? a : null, isIp(a) ? null : a));
      }
      return out;
    }
    String key = publishService;
    if (key == null) {
      return out;
    }
    int slash = key.indexOf('/');
    Optional<Service> service = store.service(key.substring(0, slash), key.substring(slash + 1));
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

  private static List<IngressLoadBalancerIngress> current(Ingress ingress) {
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

  private static String text(List<IngressLoadBalancerIngress> addresses) {
    return addresses.stream()
        .map(a -> a.getIp() != null ? a.getIp() : a.getHostname())
        .toList()
        .toString();
  }
}
