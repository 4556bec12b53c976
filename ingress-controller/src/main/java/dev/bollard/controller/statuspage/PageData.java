package dev.bollard.controller.statuspage;

import dev.bollard.controller.status.ControllerStatus;
import dev.bollard.controller.translate.Problem;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.routing.RouteTable;
import dev.bollard.proxy.step.StepChains;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * The status page's JSON document ({@code GET /status/page}): the controller's state, hosts →
 * paths → backends → endpoints with each route's steps and Ingress, certificates, the last
 * rebuild's problems and the last minute's traffic. Made on the admin event loop for every
 * refresh; the host list is built once per route table.
 */
public final class PageData {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ControllerStatus status;
  private final CurrentRoutes routes;
  private final LastRebuild rebuild;
  private final TrafficRates traffic;
  private final Clock clock;
  private @Nullable RouteTable hostsOf;
  private List<Map<String, Object>> hosts = List.of();

  public PageData(ControllerStatus status, CurrentRoutes routes, LastRebuild rebuild,
      TrafficRates traffic, Clock clock) {
    this.status = status;
    this.routes = routes;
    this.rebuild = rebuild;
    this.traffic = traffic;
    this.clock = clock;
  }

  /** The document, as JSON. */
  public String json() {
    return JSON.writeValueAsString(document());
  }

  Map<String, Object> document() {
    Instant now = clock.instant();
    RouteTable table = routes.table();
    RoutingSnapshot snapshot = table.snapshot();
    Map<String, TrafficRates.Series> series = traffic.series();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("generatedAt", now.toString());
    doc.put("mode", status.mode());
    doc.put("leader", status.leader());
    doc.put("watchesHealthy", status.watchesHealthy());
    doc.put("watchFailures", status.watchFailures());
    LastRebuild.Seen seen = rebuild.seen();
    Map<String, Object> snap = new LinkedHashMap<>();
    snap.put("version", routes.isPublished() ? snapshot.version() : null);
    snap.put("servedSince", seen == null ? null : seen.servedSince().toString());
    snap.put("ageSeconds",
        seen == null ? null : Duration.between(seen.servedSince(), now).toSeconds());
    snap.put("lastRebuild", seen == null ? null : seen.rebuiltAt().toString());
    doc.put("snapshot", snap);
    doc.put("config", status.configDocument());
    doc.put("hosts", withTraffic(hosts(table), series));
    doc.put("certificates", withWarnings(status.certificates()));
    doc.put("problems", seen == null ? List.of() : problems(seen.problems()));
    doc.put("ingresses", ingresses(series));
    doc.put("sampleSeconds", TrafficRates.INTERVAL.toSeconds());
    return doc;
  }

  private synchronized List<Map<String, Object>> hosts(RouteTable table) {
    if (hostsOf != table) {
      hosts = describeHosts(table.snapshot());
      hostsOf = table;
    }
    return hosts;
  }

  private static List<Map<String, Object>> describeHosts(RoutingSnapshot snapshot) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (VirtualHost host : snapshot.virtualHosts()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("host", host.hostPattern());
      row.put("tls", !host.hostPattern().isEmpty()
          && snapshot.tls().bindingFor(host.hostPattern()).isPresent());
      List<Map<String, Object>> paths = new ArrayList<>();
      Set<String> ingresses = new LinkedHashSet<>();
      for (Route route : host.routes()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("path", pathOf(route.path()));
        r.put("match", matchOf(route.path()));
        r.put("ingress", route.source().namespace() + "/" + route.source().name());
        ingresses.add(route.source().namespace() + "/" + route.source().name());
        Backend backend = route.backend();
        r.put("backend", backend.id());
        r.put("endpoints", endpoints(backend));
        r.put("steps", StepChains.forRoute(route, host, snapshot).names());
        paths.add(r);
      }
      row.put("routes", paths);
      row.put("ingresses", List.copyOf(ingresses));
      out.add(row);
    }
    return out;
  }

  private static List<Map<String, Object>> endpoints(Backend backend) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Endpoint e : backend.endpoints()) {
      out.add(Map.of("address", e.toString(), "ready", true));
    }
    for (Endpoint e : backend.notReady()) {
      out.add(Map.of("address", e.toString(), "ready", false));
    }
    return out;
  }

  private static String pathOf(PathMatch path) {
    return path.path();
  }

  private static String matchOf(PathMatch path) {
    return path.getClass().getSimpleName();
  }

  /** Each host row with its traffic: the sum over the Ingresses that serve it. */
  private static List<Map<String, Object>> withTraffic(List<Map<String, Object>> hosts,
      Map<String, TrafficRates.Series> series) {
    List<Map<String, Object>> out = new ArrayList<>(hosts.size());
    for (Map<String, Object> host : hosts) {
      double[] sum = new double[TrafficRates.SAMPLES];
      int length = 0;
      @SuppressWarnings("unchecked")
      List<String> ingresses = (List<String>) host.get("ingresses");
      for (String ingress : ingresses) {
        TrafficRates.Series s = series.get(ingress);
        if (s == null) {
          continue;
        }
        List<Double> requests = s.requests();
        length = Math.max(length, requests.size());
        // Aligned at the newest sample: every series was read at the same instants.
        for (int i = 0; i < requests.size(); i++) {
          sum[TrafficRates.SAMPLES - requests.size() + i] += requests.get(i);
        }
      }
      List<Double> spark = new ArrayList<>(length);
      for (int i = TrafficRates.SAMPLES - length; i < TrafficRates.SAMPLES; i++) {
        spark.add(round(sum[i]));
      }
      Map<String, Object> row = new LinkedHashMap<>(host);
      row.put("requestsPerSecond", spark);
      out.add(row);
    }
    return out;
  }

  /** Days left under which the page warns. */
  static final long WARN_DAYS = 14;

  /** Each certificate with what the page highlights, if anything. */
  private static List<Map<String, Object>> withWarnings(List<Map<String, Object>> certificates) {
    List<Map<String, Object>> out = new ArrayList<>(certificates.size());
    for (Map<String, Object> c : certificates) {
      Map<String, Object> row = new LinkedHashMap<>(c);
      Object days = c.get("daysLeft");
      String warning = null;
      if (days instanceof Number n && n.longValue() < 0) {
        warning = "expired";
      } else if (days instanceof Number n && n.longValue() < WARN_DAYS) {
        warning = "expires in " + n.longValue() + " days";
      } else if (c.get("lastError") != null) {
        warning = "last order failed";
      } else if (Boolean.FALSE.equals(c.get("serving")) && !"default".equals(c.get("source"))) {
        warning = "not served yet: its hosts get the default certificate";
      }
      row.put("warning", warning);
      out.add(row);
    }
    return out;
  }

  private static List<Map<String, Object>> ingresses(Map<String, TrafficRates.Series> series) {
    List<Map<String, Object>> out = new ArrayList<>();
    series.forEach((ingress, s) -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("ingress", ingress);
      row.put("requestsPerSecond", round(mean(s.requests())));
      row.put("errorsPerSecond", round(mean(s.errors())));
      out.add(row);
    });
    out.sort((a, b) -> ((String) a.get("ingress")).compareTo((String) b.get("ingress")));
    return out;
  }

  private static List<Map<String, Object>> problems(List<Problem> problems) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Problem p : problems) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("resource", p.resource());
      row.put("field", p.field());
      row.put("message", p.message());
      row.put("text", p.toString());
      out.add(row);
    }
    return out;
  }

  private static double mean(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.size();
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
