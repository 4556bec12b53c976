package dev.bollard.controller.translate;

import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.RouteSource;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks an Ingress against the rules the API server enforces on create.
 *
 * <p>In a cluster these never fail; from a manifest directory they can. An Ingress that breaks any
 * of them is skipped as a whole, as the API server would have refused it whole. Problems that only
 * the rest of the world can cause (a missing Service or port) are not checked here: they cost only
 * the path concerned.
 */
final class IngressChecker {

  private final List<Problem> problems;

  IngressChecker(List<Problem> problems) {
    this.problems = problems;
  }

  /** The checked Ingress, or empty after adding at least one problem. */
  Optional<CheckedIngress> check(Ingress ingress) {
    RouteSource source = CheckedIngress.sourceOf(ingress);
    Sink sink = new Sink(source);
    IngressSpec spec = ingress.getSpec();
    if (spec == null) {
      sink.add("spec", "missing; an Ingress needs spec.rules or spec.defaultBackend");
      return Optional.empty();
    }
    IngressBackend defaultBackend = spec.getDefaultBackend();
    if (defaultBackend != null) {
      checkBackend(defaultBackend, "spec.defaultBackend", sink);
    }
    List<IngressRule> rules = orEmpty(spec.getRules());
    if (rules.isEmpty() && defaultBackend == null) {
      sink.add("spec", "neither rules nor defaultBackend is set; add at least one");
    }
    List<PathRule> paths = new ArrayList<>();
    Set<String> hosts = new LinkedHashSet<>();
    for (int r = 0; r < rules.size(); r++) {
      checkRule(rules.get(r), "spec.rules[" + r + "]", paths, hosts, sink);
    }
    if (sink.count > 0) {
      return Optional.empty();
    }
    return Optional.of(new CheckedIngress(
        source, CheckedIngress.creationOf(ingress), defaultBackend, paths, List.copyOf(hosts)));
  }

  private void checkRule(
      IngressRule rule, String field, List<PathRule> out, Set<String> hosts, Sink sink) {
    String host = SnapshotTranslator.DEFAULT_SERVER;
    if (rule.getHost() != null && !rule.getHost().isEmpty()) {
      String normalized = HostNames.normalize(rule.getHost());
      if (normalized == null) {
        sink.add(
            field + ".host",
            "\""
                + rule.getHost()
                + "\" is not a valid host (expected: a DNS name such as"
                + " shop.example.com, or *.example.com); fix it, or remove it to match any host");
      } else {
        host = normalized;
      }
    }
    if (!host.equals(SnapshotTranslator.DEFAULT_SERVER)) {
      hosts.add(host);
    }
    if (rule.getHttp() == null) {
      // Valid in the API: a host with no paths. Like ingress-nginx (a server whose only location
      // is the default backend), the host gets a virtual host without routes, so its requests go
      // to the default backend and never to the rules of host-less Ingresses.
      return;
    }
    List<HTTPIngressPath> paths = orEmpty(rule.getHttp().getPaths());
    if (paths.isEmpty()) {
      sink.add(field + ".http.paths", "empty; list at least one path, or remove http");
    }
    for (int p = 0; p < paths.size(); p++) {
      String pathField = field + ".http.paths[" + p + "]";
      HTTPIngressPath path = paths.get(p);
      PathMatch match = checkPath(path, pathField, sink);
      IngressBackend backend = path.getBackend();
      if (backend == null) {
        sink.add(pathField + ".backend", "missing; set backend.service.name and .port");
      } else {
        checkBackend(backend, pathField + ".backend", sink);
      }
      if (match != null && backend != null) {
        out.add(new PathRule(host, match, backend, pathField));
      }
    }
  }

  private static @Nullable PathMatch checkPath(HTTPIngressPath path, String field, Sink sink) {
    String type = path.getPathType();
    String value = path.getPath();
    if (type == null || type.isEmpty()) {
      sink.add(field + ".pathType", "missing (expected: Exact, Prefix or ImplementationSpecific)");
      return null;
    }
    if (!type.equals("Exact") && !type.equals("Prefix") && !type.equals("ImplementationSpecific")) {
      sink.add(
          field + ".pathType",
          "\""
              + type
              + "\" is not a path type (expected: Exact, Prefix or ImplementationSpecific)");
      return null;
    }
    if (value == null || value.isEmpty()) {
      if (!type.equals("ImplementationSpecific")) {
        sink.add(field + ".path", "missing; pathType " + type + " needs a path starting with '/'");
        return null;
      }
      // The API lets ImplementationSpecific omit the path: it then matches every path.
      value = "/";
    }
    if (!value.startsWith("/")) {
      sink.add(field + ".path", "\"" + value + "\" does not start with '/'; write it as /" + value);
      return null;
    }
    return switch (type) {
      case "Exact" -> new PathMatch.Exact(value);
      case "Prefix" -> new PathMatch.Prefix(value);
      default -> new PathMatch.ImplementationSpecific(value);
    };
  }

  private static void checkBackend(IngressBackend backend, String field, Sink sink) {
    IngressServiceBackend service = backend.getService();
    if (service == null && backend.getResource() == null) {
      sink.add(field, "names no backend; set service.name and service.port");
      return;
    }
    if (service != null && backend.getResource() != null) {
      sink.add(field, "sets both service and resource; keep only one");
      return;
    }
    if (service == null) {
      return; // a resource backend: valid, but unsupported; BackendResolver reports it per use
    }
    if (service.getName() == null || service.getName().isEmpty()) {
      sink.add(field + ".service.name", "missing; name the Service in the Ingress's namespace");
    }
    ServiceBackendPort port = service.getPort();
    boolean hasName = port != null && port.getName() != null && !port.getName().isEmpty();
    boolean hasNumber = port != null && port.getNumber() != null;
    if (hasName == hasNumber) {
      sink.add(
          field + ".service.port",
          (hasName ? "sets both name and number" : "missing")
              + "; set exactly one of port.number or port.name");
    } else if (hasNumber && (port.getNumber() < 1 || port.getNumber() > 65535)) {
      sink.add(
          field + ".service.port.number", port.getNumber() + " is not a port (expected: 1-65535)");
    }
  }

  private static <T> List<T> orEmpty(@Nullable List<T> list) {
    return list == null ? List.of() : list;
  }

  /** Counts the problems of one Ingress so that {@link #check} knows whether to skip it. */
  private final class Sink {
    private final RouteSource resource;
    int count;

    Sink(RouteSource resource) {
      this.resource = resource;
    }

    void add(String field, String message) {
      problems.add(new Problem(resource, field, message + ". The Ingress is skipped."));
      count++;
    }
  }
}
