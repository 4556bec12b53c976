package dev.bollard.controller.kube;

import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.translate.IngressStatusPlan;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the Ingress status each published result asks for ({@link IngressStatusPlan}: our
 * Ingresses get the published address, Ingresses that stopped being ours are cleared), only on the
 * leader. Translation already compared with the status the informers see, so every update is a
 * real difference. Writes run on the writer thread.
 */
public final class IngressStatusWriter implements SnapshotPublisher.Listener {

  private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);

  private final KubernetesClient client;
  private final Executor writer;
  private final BooleanSupplier leading;

  public IngressStatusWriter(KubernetesClient client, Executor writer, BooleanSupplier leading) {
    this.client = client;
    this.writer = writer;
    this.leading = leading;
  }

  @Override
  public void published(Publication publication) {
    List<IngressStatusPlan.Update> updates = publication.result().status().updates();
    if (!updates.isEmpty() && leading.getAsBoolean()) {
      writer.execute(() -> updates.forEach(this::write));
    }
  }

  private void write(IngressStatusPlan.Update u) {
    if (!leading.getAsBoolean()) {
      return;
    }
    try {
      client
          .network()
          .v1()
          .ingresses()
          .inNamespace(u.namespace())
          .withName(u.name())
          .editStatus(
              i ->
                  new IngressBuilder(i)
                      .editOrNewStatus()
                      .withNewLoadBalancer()
                      .withIngress(u.addresses())
                      .endLoadBalancer()
                      .endStatus()
                      .build());
      log.info(
          "Ingress {}/{}: status.loadBalancer.ingress {}",
          u.namespace(),
          u.name(),
          u.addresses().isEmpty()
              ? "cleared (not ours any more)"
              : "set to " + text(u.addresses()));
    } catch (KubernetesClientException e) {
      log.warn("Ingress {}/{}: cannot write status: {}", u.namespace(), u.name(), e.getMessage());
    }
  }

  private static String text(List<IngressLoadBalancerIngress> addresses) {
    return addresses.stream()
        .map(a -> a.getIp() != null ? a.getIp() : a.getHostname())
        .toList()
        .toString();
  }
}
