package dev.bollard.controller.translate;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.VirtualHost;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code nginx.ingress.kubernetes.io/ssl-passthrough}: which hosts' TLS connections go to their
 * backend untouched, as ingress-nginx decides it (its controller's {@code PassthroughBackends} and
 * {@code pkg/tcpproxy}).
 *
 * <ul>
 *   <li>Only with {@code --enable-ssl-passthrough}; without it the annotation set to true is a
 *       problem saying so, and Bollard terminates TLS for those hosts.
 *   <li>The value is read as Go's {@code strconv.ParseBool} reads it ({@code true}, {@code 1},
 *       {@code t}, {@code TRUE}…); anything else is a problem and the annotation is not applied.
 *   <li>A host is passed through when the oldest Ingress naming it has the annotation (in
 *       ingress-nginx the oldest Ingress of a host makes its server, with that Ingress's
 *       passthrough flag). A younger Ingress asking for a host an older one already decides is a
 *       problem, whichever way the older one decided.
 *   <li>The backend is that of the host's path {@code /} (ingress-nginx's root location), whichever
 *       Ingress won that path; a host without one is a problem and keeps TLS termination
 *       (ingress-nginx would relay to a Service without address). Other paths play no part.
 *   <li>SNI names are matched exactly, as ingress-nginx does: a {@code *.} wildcard host or a rule
 *       without host can never be chosen, so either is a problem and keeps TLS termination.
 * </ul>
 *
 * <p>The host's HTTP routes are unchanged: its plain-HTTP requests, and HTTPS requests that reach
 * it through another SNI name, are served as before with all the Ingress's other annotations.
 */
final class SslPassthroughTranslation {

  static final String SSL_PASSTHROUGH = "nginx.ingress.kubernetes.io/ssl-passthrough";
  private static final String FIELD = "metadata.annotations[" + SSL_PASSTHROUGH + "]";

  private SslPassthroughTranslation() {}

  /**
   * The passed-through hosts and their backends.
   *
   * @param ours the Ingresses served, oldest first
   * @param byName the Ingress resources by source
   * @param hosts the virtual hosts as translated (their path {@code /} gives the backend)
   * @param enabled whether Bollard was started with {@code --enable-ssl-passthrough}
   */
  static Map<String, Backend> translate(List<CheckedIngress> ours,
      Map<RouteSource, Ingress> byName, List<VirtualHost> hosts, boolean enabled,
      List<Problem> problems) {
    Map<String, CheckedIngress> owners = new HashMap<>();
    for (CheckedIngress ingress : ours) {
      for (String host : ingress.hosts()) {
        owners.putIfAbsent(host, ingress);
      }
    }
    Map<RouteSource, Boolean> asked = new HashMap<>();
    for (CheckedIngress ingress : ours) {
      value(byName.get(ingress.source()), ingress.source(), problems)
          .ifPresent(v -> asked.put(ingress.source(), v));
    }
    Map<String, Backend> out = new TreeMap<>();
    for (CheckedIngress ingress : ours) {
      if (!asked.getOrDefault(ingress.source(), false)) {
        continue;
      }
      if (!enabled) {
        problems.add(new Problem(ingress.source(), FIELD, "SSL passthrough is off: start Bollard"
            + " with --enable-ssl-passthrough (chart: controller.enableSslPassthrough: true) to"
            + " relay TLS for this Ingress's hosts to their backend untouched; until then Bollard"
            + " terminates TLS for them."));
        continue;
      }
      if (ingress.paths().stream().anyMatch(
          p -> p.hostPattern().equals(SnapshotTranslator.DEFAULT_SERVER))) {
        problems.add(new Problem(ingress.source(), FIELD, "rules without host are not passed"
            + " through: passthrough chooses by the TLS SNI name; give the rules a host."));
      }
      if (ingress.hosts().isEmpty()) {
        continue;
      }
      for (String host : ingress.hosts()) {
        CheckedIngress owner = owners.get(host);
        if (host.startsWith("*.")) {
          problems.add(new Problem(ingress.source(), FIELD, "host " + host + " is not passed"
              + " through: SNI names are matched exactly (as by ingress-nginx), so a wildcard"
              + " never matches; Bollard terminates TLS for it. Name each host instead."));
        } else if (owner != ingress) {
          boolean ownerAsked = owner != null && asked.getOrDefault(owner.source(), false);
          problems.add(new Problem(ingress.source(), FIELD, "host " + host + " is decided by the"
              + " older " + (owner == null ? "Ingress" : owner.resource())
              + (ownerAsked ? ", which passes it through already; this annotation adds nothing"
                  + " for it." : ", which does not pass it through: the oldest Ingress of a host"
                  + " decides (as in ingress-nginx), so Bollard terminates TLS for it. Set the"
                  + " annotation there, or remove it here.")));
        } else {
          Backend backend = rootBackend(hosts, host);
          if (backend == null) {
            problems.add(new Problem(ingress.source(), FIELD, "host " + host + " is not passed"
                + " through: its connections go to the backend of its path /, and it has none"
                + " (or that path's backend did not resolve); Bollard terminates TLS for it. Add"
                + " a rule for path / with the Service that terminates TLS."));
          } else {
            out.put(host, backend);
          }
        }
      }
    }
    return out;
  }

  /** The annotation's value when it is set and well-formed; a problem when malformed. */
  private static Optional<Boolean> value(@Nullable Ingress ingress, RouteSource source,
      List<Problem> problems) {
    Map<String, String> annotations =
        ingress == null ? null : ingress.getMetadata().getAnnotations();
    String raw = annotations == null ? null : annotations.get(SSL_PASSTHROUGH);
    if (raw == null) {
      return Optional.empty();
    }
    switch (raw) {
      case "1", "t", "T", "TRUE", "true", "True":
        return Optional.of(true);
      case "0", "f", "F", "FALSE", "false", "False":
        return Optional.of(false);
      default:
        problems.add(new Problem(source, FIELD, "value " + FeatureAnnotations.quote(raw)
            + " refused: expected true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False,"
            + " as ingress-nginx reads it); the annotation is not applied and Bollard terminates"
            + " TLS for this Ingress's hosts. Fix its value."));
        return Optional.empty();
    }
  }

  /** The backend of {@code host}'s path {@code /}: Prefix, else ImplementationSpecific, else Exact. */
  private static @Nullable Backend rootBackend(List<VirtualHost> hosts, String host) {
    for (VirtualHost vh : hosts) {
      if (!vh.hostPattern().equals(host)) {
        continue;
      }
      @Nullable Route best = null;
      int bestRank = Integer.MAX_VALUE;
      for (Route route : vh.routes()) {
        if (!route.path().path().equals("/")) {
          continue;
        }
        int rank = route.path() instanceof PathMatch.Prefix ? 0
            : route.path() instanceof PathMatch.ImplementationSpecific ? 1 : 2;
        if (rank < bestRank) {
          best = route;
          bestRank = rank;
        }
      }
      return best == null ? null : best.backend();
    }
    return null;
  }
}
