package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.Endpoint;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a checked Ingress backend to a {@link Backend}: Service, then Service port, then the
 * ready endpoints behind it.
 *
 * <ul>
 *   <li>The Service port is the one whose {@code port} equals {@code port.number}, or whose {@code
 *       name} equals {@code port.name}.
 *   <li>Endpoints come from the Service's EndpointSlices; only when it has none, from its legacy
 *       Endpoints object. A slice port belongs to the Service port of the same name (both may be
 *       unnamed); its number is the target port. An endpoint counts when {@code conditions.ready}
 *       is true or unset (the API's "unknown, treat as ready") and it is not terminating.
 *   <li>An ExternalName Service gives one endpoint: its external name, on the Service port's
 *       numeric {@code targetPort}, else its {@code port}, else (no ports listed) the Ingress's
 *       port number. Loopback names are refused, as ingress-nginx does, so that an Ingress cannot
 *       make the proxy call itself.
 *   <li>No ready endpoint is not a problem: the backend is empty and answers 503.
 * </ul>
 */
final class BackendResolver {

  private final ResourceStore store;
  private final List<Problem> problems;
  private final @Nullable UpstreamAnnotations upstreams;

  /**
   * @param upstreams how each Ingress's backends are reached (TLS, service-upstream), or {@code
   *     null} for plain HTTP to the endpoints
   */
  BackendResolver(ResourceStore store, List<Problem> problems,
      @Nullable UpstreamAnnotations upstreams) {
    this.store = store;
    this.problems = problems;
    this.upstreams = upstreams;
  }

  BackendResolver(ResourceStore store, List<Problem> problems) {
    this(store, problems, null);
  }

  /**
   * The backend, or empty after adding a problem on {@code resource} at {@code field}.
   *
   * @param backend a backend that passed {@link IngressChecker}
   * @param skipped what is lost if it does not resolve, for the message: "This path is skipped."
   */
  Optional<Backend> resolve(
      String namespace, IngressBackend backend, RouteSource resource, String field, String skipped) {
    return resolve(namespace, backend, resource, resource, field, skipped);
  }

  /**
   * {@link #resolve(String, IngressBackend, RouteSource, String, String)} with the upstream
   * annotations ({@code backend-protocol}, {@code proxy-ssl-*}, {@code service-upstream}) of
   * {@code annotationsOf} instead of {@code resource}'s: a canary's backend is relayed the way its
   * main Ingress says, as ingress-nginx's location does.
   */
  Optional<Backend> resolve(String namespace, IngressBackend backend, RouteSource resource,
      RouteSource annotationsOf, String field, String skipped) {
    UpstreamAnnotations.Upstream upstream =
        upstreams == null ? UpstreamAnnotations.Upstream.PLAIN : upstreams.forSource(annotationsOf);
    IngressServiceBackend ref = backend.getService();
    return resolve(namespace, backend, resource, field, skipped, upstream.serviceUpstream())
        .map(b -> upstream.apply(b, namespace, ref == null ? "" : ref.getName(),
            ref == null ? null : store.service(namespace, ref.getName()).orElse(null)));
  }

  private Optional<Backend> resolve(String namespace, IngressBackend backend,
      RouteSource resource, String field, String skipped, boolean serviceUpstream) {
    IngressServiceBackend ref = backend.getService();
    if (ref == null) {
      problems.add(
          new Problem(
              resource,
              field + ".resource",
              "resource backends are not supported; use a service backend. " + skipped));
      return Optional.empty();
    }
    ServiceBackendPort portRef = Objects.requireNonNull(ref.getPort(), "checked before");
    String portText =
        portRef.getNumber() != null ? portRef.getNumber().toString() : portRef.getName();
    String serviceKey = namespace + "/" + ref.getName();
    String id = serviceKey + ":" + portText;

    Optional<Service> found = store.service(namespace, ref.getName());
    if (found.isEmpty()) {
      return skip(
          skipped,
          resource,
          field + ".service.name",
          "Service " + serviceKey + " not found; create it or fix the name");
    }
    Service service = found.get();
    List<ServicePort> ports =
        service.getSpec() == null || service.getSpec().getPorts() == null
            ? List.of()
            : service.getSpec().getPorts();
    ServicePort port = ports.stream().filter(p -> matches(p, portRef)).findFirst().orElse(null);

    if (service.getSpec() != null && "ExternalName".equals(service.getSpec().getType())) {
      return externalName(service, serviceKey, port, portRef, ports, id, resource, field, skipped);
    }
    if (port == null) {
      return skip(
          skipped,
          resource,
          field + ".service.port",
          "Service "
              + serviceKey
              + " has no port "
              + portText
              + " (it has: "
              + describe(ports)
              + "); fix the port");
    }
    if (port.getProtocol() != null && !port.getProtocol().equals("TCP")) {
      return skip(
          skipped,
          resource,
          field + ".service.port",
          "port "
              + portText
              + " of Service "
              + serviceKey
              + " is "
              + port.getProtocol()
              + "; only TCP can be proxied");
    }
    if (serviceUpstream) {
      Optional<Backend> cluster = clusterIp(service, serviceKey, port, id, resource, field);
      if (cluster.isPresent()) {
        return cluster;
      }
    }
    String portName = nameOf(port.getName());
    List<EndpointSlice> slices = store.endpointSlices(namespace, ref.getName());
    SortedSet<Endpoint> endpoints = new TreeSet<>();
    SortedSet<Endpoint> notReady = new TreeSet<>();
    if (slices.isEmpty()) {
      fromEndpoints(store.endpoints(namespace, ref.getName()).orElse(null), portName, endpoints,
          notReady);
    } else {
      fromSlices(slices, portName, endpoints, notReady);
    }
    return Optional.of(new Backend(id, List.copyOf(endpoints), List.copyOf(notReady)));
  }

  /**
   * ingress-nginx's {@code service-upstream}: one endpoint, the Service's cluster IP and port, so
   * that kube-proxy balances. A Service without a cluster IP (headless) is a problem, and its
   * endpoints are used instead, as ingress-nginx does.
   */
  private Optional<Backend> clusterIp(Service service, String serviceKey, ServicePort port,
      String id, RouteSource resource, String field) {
    String ip = service.getSpec().getClusterIP();
    if (ip == null || ip.isEmpty() || ip.equals("None")) {
      problems.add(new Problem(resource,
          "metadata.annotations[" + UpstreamAnnotations.SERVICE_UPSTREAM + "]",
          "Service " + serviceKey + " has no cluster IP (headless); its endpoints are used."
              + " Give it a cluster IP or remove the annotation."));
      return Optional.empty();
    }
    return Optional.of(new Backend(id, List.of(new Endpoint(ip, port.getPort()))));
  }

  private Optional<Backend> externalName(
      Service service,
      String serviceKey,
      @Nullable ServicePort port,
      ServiceBackendPort portRef,
      List<ServicePort> ports,
      String id,
      RouteSource resource,
      String field,
      String skipped) {
    String name = service.getSpec().getExternalName();
    if (name == null || name.isEmpty()) {
      return skip(
          skipped,
          resource,
          field + ".service.name",
          "Service " + serviceKey + " is of type ExternalName but sets no externalName; set one");
    }
    name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (isLoopback(name)) {
      return skip(
          skipped,
          resource,
          field + ".service.name",
          "Service "
              + serviceKey
              + " points at "
              + name
              + "; loopback ExternalNames are refused, point it at another host");
    }
    int target;
    if (port != null) {
      IntOrString tp = port.getTargetPort();
      target =
          tp != null && tp.getIntVal() != null && tp.getIntVal() > 0
              ? tp.getIntVal()
              : port.getPort();
    } else if (ports.isEmpty() && portRef.getNumber() != null) {
      target = portRef.getNumber();
    } else {
      return skip(
          skipped,
          resource,
          field + ".service.port",
          "Service "
              + serviceKey
              + " has no port "
              + (portRef.getNumber() != null ? portRef.getNumber().toString() : portRef.getName())
              + " (it has: "
              + describe(ports)
              + "); fix the port");
    }
    return Optional.of(new Backend(id, List.of(new Endpoint(name, target))));
  }

  private static void fromSlices(List<EndpointSlice> slices, String portName,
      SortedSet<Endpoint> ready, SortedSet<Endpoint> notReady) {
    for (EndpointSlice slice : slices) {
      Integer target = null;
      for (EndpointPort p : orEmpty(slice.getPorts())) {
        if (nameOf(p.getName()).equals(portName) && isTcp(p.getProtocol())) {
          target = p.getPort();
        }
      }
      if (!isPort(target)) {
        continue;
      }
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e :
          orEmpty(slice.getEndpoints())) {
        SortedSet<Endpoint> out = isReady(e.getConditions()) ? ready : notReady;
        for (String address : orEmpty(e.getAddresses())) {
          if (address != null && !address.isEmpty()) {
            out.add(new Endpoint(address, target));
          }
        }
      }
    }
    // An address listed ready in one slice and not in another takes traffic.
    notReady.removeAll(ready);
  }

  private static void fromEndpoints(@Nullable Endpoints endpoints, String portName,
      SortedSet<Endpoint> ready, SortedSet<Endpoint> notReady) {
    if (endpoints == null) {
      return;
    }
    for (EndpointSubset subset : orEmpty(endpoints.getSubsets())) {
      Integer target = null;
      for (io.fabric8.kubernetes.api.model.EndpointPort p : orEmpty(subset.getPorts())) {
        if (nameOf(p.getName()).equals(portName) && isTcp(p.getProtocol())) {
          target = p.getPort();
        }
      }
      if (!isPort(target)) {
        continue;
      }
      // notReadyAddresses take no traffic; they are kept for the status page.
      for (EndpointAddress a : orEmpty(subset.getAddresses())) {
        if (a.getIp() != null && !a.getIp().isEmpty()) {
          ready.add(new Endpoint(a.getIp(), target));
        }
      }
      for (EndpointAddress a : orEmpty(subset.getNotReadyAddresses())) {
        if (a.getIp() != null && !a.getIp().isEmpty()) {
          notReady.add(new Endpoint(a.getIp(), target));
        }
      }
    }
    notReady.removeAll(ready);
  }

  private static boolean isReady(@Nullable EndpointConditions conditions) {
    if (conditions == null) {
      return true;
    }
    return !Boolean.FALSE.equals(conditions.getReady())
        && !Boolean.TRUE.equals(conditions.getTerminating());
  }

  private static boolean matches(ServicePort port, ServiceBackendPort ref) {
    return ref.getNumber() != null
        ? ref.getNumber().equals(port.getPort())
        : ref.getName().equals(port.getName());
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.startsWith("127.")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  private static String describe(List<ServicePort> ports) {
    if (ports.isEmpty()) {
      return "none";
    }
    return ports.stream()
        .map(
            p ->
                p.getName() == null || p.getName().isEmpty()
                    ? "" + p.getPort()
                    : p.getPort() + "/" + p.getName())
        .collect(Collectors.joining(", "));
  }

  private Optional<Backend> skip(
      String skipped, RouteSource resource, String field, String message) {
    problems.add(new Problem(resource, field, message + ". " + skipped));
    return Optional.empty();
  }

  private static boolean isPort(@Nullable Integer port) {
    return port != null && port >= 1 && port <= 65535;
  }

  private static boolean isTcp(@Nullable String protocol) {
    return protocol == null || protocol.equals("TCP");
  }

  private static String nameOf(@Nullable String name) {
    return name == null ? "" : name;
  }

  private static <T> List<T> orEmpty(@Nullable List<T> list) {
    return list == null ? List.of() : list;
  }
}
