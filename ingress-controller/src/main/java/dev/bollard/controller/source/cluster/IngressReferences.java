package dev.bollard.controller.source.cluster;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.AuthPolicies;
import dev.bollard.controller.translate.ClientCertAnnotations;
import dev.bollard.controller.translate.EdgeAnnotations;
import dev.bollard.controller.translate.ErrorPageAnnotations;
import dev.bollard.controller.translate.ExternalAuthAnnotations;
import dev.bollard.controller.translate.UpstreamAnnotations;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an Ingress refers to, as {@code namespace/name} keys: the informer indexes that decide
 * whether a Service, EndpointSlice, Secret or ConfigMap event can matter. A feature that reads
 * another resource named by an Ingress adds its reference here.
 */
final class IngressReferences {

  static final String SERVICES = "bollard.dev/services";
  static final String SECRETS = "bollard.dev/secrets";
  static final String CONFIG_MAPS = "bollard.dev/configmaps";

  private IngressReferences() {}

  static Map<String, java.util.function.Function<Ingress, List<String>>> indexers() {
    return Map.of(
        SERVICES, IngressReferences::services,
        SECRETS, IngressReferences::secrets,
        CONFIG_MAPS, IngressReferences::configMaps);
  }

  static List<String> services(Ingress ingress) {
    String ns = ResourceStore.namespaceOf(ingress);
    List<String> out = new ArrayList<>();
    if (ingress.getSpec() == null) {
      return out;
    }
    addService(ns, ingress.getSpec().getDefaultBackend(), out);
    ErrorPageAnnotations.serviceReference(ingress).ifPresent(out::add);
    if (ingress.getSpec().getRules() != null) {
      for (IngressRule rule : ingress.getSpec().getRules()) {
        if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
          for (HTTPIngressPath path : rule.getHttp().getPaths()) {
            addService(ns, path.getBackend(), out);
          }
        }
      }
    }
    return out;
  }

  static List<String> secrets(Ingress ingress) {
    String ns = ResourceStore.namespaceOf(ingress);
    List<String> out = new ArrayList<>();
    if (ingress.getSpec() != null && ingress.getSpec().getTls() != null) {
      for (IngressTLS tls : ingress.getSpec().getTls()) {
        if (tls.getSecretName() != null && !tls.getSecretName().isEmpty()) {
          out.add(ns + "/" + tls.getSecretName());
        }
      }
    }
    AuthPolicies.secretReference(ingress).ifPresent(out::add);
    UpstreamAnnotations.secretReference(ingress).ifPresent(out::add);
    ClientCertAnnotations.secretReference(ingress).ifPresent(out::add);
    return out;
  }

  /** The ConfigMaps of {@code custom-headers} and {@code auth-proxy-set-headers}. */
  static List<String> configMaps(Ingress ingress) {
    List<String> out = new ArrayList<>(2);
    EdgeAnnotations.customHeadersReference(ingress).ifPresent(out::add);
    ExternalAuthAnnotations.configMapReference(ingress).ifPresent(out::add);
    return out;
  }

  private static void addService(String ns, @Nullable IngressBackend backend, List<String> out) {
    if (backend != null && backend.getService() != null && backend.getService().getName() != null) {
      out.add(ns + "/" + backend.getService().getName());
    }
  }
}
