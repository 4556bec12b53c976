package dev.bollard.controller.translate;

import dev.bollard.controller.compat.IngressNginx;
import dev.bollard.proxy.config.RouteSource;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reports every {@code nginx.ingress.kubernetes.io/*} annotation of a served Ingress that Bollard
 * does not apply (ignored, refused, planned, or unknown to the ingress-nginx table {@link
 * IngressNginx}): a problem naming the Ingress and the annotation, saying why, so nobody believes
 * an annotation works that does nothing. The Ingress is served without it.
 */
final class UnhonouredAnnotations {

  private UnhonouredAnnotations() {}

  /** Adds a problem per annotation of {@code ingress} that Bollard does not apply, by key. */
  static void report(Ingress ingress, RouteSource source, List<Problem> problems) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    if (annotations == null) {
      return;
    }
    for (String key : new TreeMap<>(annotations).keySet()) {
      if (key.startsWith(IngressNginx.PREFIX)) {
        IngressNginx.ignoredMessage(key).ifPresent(message ->
            problems.add(new Problem(source, "metadata.annotations[" + key + "]", message)));
      }
    }
  }
}
