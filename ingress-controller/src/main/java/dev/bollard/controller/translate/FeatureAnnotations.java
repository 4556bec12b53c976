package dev.bollard.controller.translate;

import dev.bollard.controller.translate.SnippetTranslator.Translation;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.Cors;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns the annotations of {@link #ALL} into the features of each Ingress's routes, once per
 * Ingress and rebuild. A bad value is a {@link Problem} naming the Ingress, the annotation and the
 * value; that annotation is not applied and the rest of the Ingress is served.
 *
 * <p>Beside {@link #ALL}, which maps one annotation to one step, the snippet annotations ({@link
 * SnippetAnnotations}), the redirect annotations ({@link RedirectAnnotations}, several keys
 * read together), the CORS annotations ({@link CorsAnnotations}, likewise) and the client address
 * annotations ({@link SourceRangeAnnotations}, which fail closed) are handled here too.
 *
 * <p>Adding an annotation that becomes a route step: a {@link FeatureAnnotation} here, listed in
 * {@link #ALL}, and its step class in {@code dev.bollard.proxy.step}. Nothing else changes.
 */
final class FeatureAnnotations {

  /**
   * Every annotation that becomes a route feature (a step, or a change of the route's policy), in
   * the order their features are listed and applied.
   */
  static final List<FeatureAnnotation> ALL =
      List.of(new ForwardedPrefixAnnotation(), new RequestBufferingAnnotation(),
          new BodyBufferSizeAnnotation(), UpstreamTimeoutAnnotation.CONNECT,
          UpstreamTimeoutAnnotation.READ, UpstreamTimeoutAnnotation.SEND,
          new BodySizeAnnotation(), new AccessLogAnnotation(),
          ResponseBufferingAnnotations.BUFFERING, ResponseBufferingAnnotations.BUFFER_SIZE,
          NextUpstreamAnnotations.CONDITIONS, NextUpstreamAnnotations.TRIES,
          NextUpstreamAnnotations.TIMEOUT, new UpstreamVhostAnnotation(),
          BalanceAnnotations.LOAD_BALANCE, BalanceAnnotations.HASH_BY,
          new SatisfyAnnotation());

  private final List<Problem> problems;
  private final Map<RouteSource, Ingress> ingresses;
  private final SnippetAnnotations snippets;
  private final Map<RouteSource, Own> bySource = new HashMap<>();
  private final Map<String, RouteSource> serverSnippetOwners = new LinkedHashMap<>();
  private final Map<RouteSource, Optional<Translation>> serverSnippets = new HashMap<>();
  private final Map<List<@Nullable RouteSource>, List<RouteFeature>> byRoute = new HashMap<>();

  /** What an Ingress's own annotations give each of its routes, before the host's server snippet. */
  private record Own(@Nullable Translation location, @Nullable Cors cors,
      List<RouteFeature> rest) {
    static final Own NONE = new Own(null, null, List.of());
  }

  /**
   * @param ingresses the Ingresses whose routes will be given their features, by source
   * @param problems where bad values are reported
   * @param allowSnippets the global {@code allow-snippet-annotations}
   */
  FeatureAnnotations(
      Map<RouteSource, Ingress> ingresses, List<Problem> problems, boolean allowSnippets) {
    this.ingresses = ingresses;
    this.problems = problems;
    this.snippets = new SnippetAnnotations(allowSnippets, problems);
  }

  /**
   * Gives each host the {@code server-snippet} of the oldest of {@code oldestFirst} that sets one
   * and names the host, as ingress-nginx does (one per host); a younger Ingress's is reported as
   * ignored for that host. Call once, before {@link #apply}.
   */
  void claimServerSnippets(List<CheckedIngress> oldestFirst) {
    for (CheckedIngress checked : oldestFirst) {
      Map<String, String> annotations = annotationsOf(checked.source());
      String text = annotations == null ? null : annotations.get(SnippetAnnotations.SERVER);
      if (text == null || text.isBlank()) {
        continue;
      }
      Set<String> hosts = new TreeSet<>(checked.hosts());
      checked.paths().forEach(p -> hosts.add(p.hostPattern()));
      for (String host : hosts) {
        RouteSource owner = serverSnippetOwners.putIfAbsent(host, checked.source());
        if (owner != null && !owner.equals(checked.source())) {
          problems.add(new Problem(checked.source(),
              "metadata.annotations[" + SnippetAnnotations.SERVER + "]",
              "ignored for host " + host + ": the older " + owner + " sets the server snippet"
                  + " of that host (ingress-nginx takes one per host, the oldest). Move the"
                  + " directives into that Ingress's snippet."));
        }
      }
    }
    // Translated now, so that its problems are reported even where no route uses it.
    new LinkedHashSet<>(serverSnippetOwners.values()).forEach(this::serverSnippet);
  }

  /**
   * The route of host {@code hostPattern} with the features its Ingress's annotations, and the
   * host's server snippet, ask for.
   */
  Route apply(Route route, String hostPattern) {
    RouteSource owner = serverSnippetOwners.get(hostPattern);
    List<@Nullable RouteSource> key = java.util.Arrays.asList(owner, route.source());
    return route.withFeatures(byRoute.computeIfAbsent(key, k -> features(owner, route.source())));
  }

  private List<RouteFeature> features(@Nullable RouteSource serverOwner, RouteSource source) {
    Own own = bySource.computeIfAbsent(source, this::parse);
    @Nullable Translation server = serverOwner == null ? null : serverSnippet(serverOwner);
    // The order of their nginx directives in ingress-nginx's server and location, all in nginx's
    // rewrite phase: the server snippet's return, then the location's CORS preflight answer
    // ("if ... return 204"), its snippet's return, permanent-redirect's return, then the rest.
    List<RouteFeature> features = new ArrayList<>(SnippetAnnotations.combine(server, own.location()));
    if (own.cors() != null) {
      features.add(server != null && !server.program().isEmpty() ? 1 : 0, own.cors());
    }
    features.addAll(own.rest());
    return List.copyOf(features);
  }

  /** The owner's server snippet, translated (and its problems reported) once. */
  private @Nullable Translation serverSnippet(RouteSource owner) {
    return serverSnippets.computeIfAbsent(owner, o -> Optional.ofNullable(
        snippets.server(o, Objects.requireNonNull(annotationsOf(o))))).orElse(null);
  }

  private @Nullable Map<String, String> annotationsOf(RouteSource source) {
    Ingress ingress = ingresses.get(source);
    return ingress == null ? null : ingress.getMetadata().getAnnotations();
  }

  private Own parse(RouteSource source) {
    Map<String, String> annotations = annotationsOf(source);
    if (annotations == null || annotations.isEmpty()) {
      return Own.NONE;
    }
    Translation location = snippets.location(source, annotations);
    List<RouteFeature> features = new ArrayList<>();
    RedirectAnnotations.parse(source, annotations, problems).ifPresent(features::add);
    Cors cors = CorsAnnotations.parse(source, annotations, problems).orElse(null);
    features.addAll(SourceRangeAnnotations.parse(source, annotations, problems));
    LimitAnnotations.parse(source, annotations, problems).ifPresent(features::add);
    LimitAnnotations.parseResponseRate(source, annotations, problems).ifPresent(features::add);
    features.addAll(ResponseRewriteAnnotations.parse(source, annotations, problems));
    for (FeatureAnnotation annotation : ALL) {
      String value = annotations.get(annotation.key());
      if (value == null) {
        continue;
      }
      try {
        features.add(annotation.parse(value));
      } catch (IllegalArgumentException e) {
        problems.add(refused(source, annotation.key(), value, e.getMessage()));
      }
    }
    return new Own(location, cors, List.copyOf(features));
  }

  /** The problem of an annotation whose value was refused, saying {@code why}. */
  static Problem refused(RouteSource source, String key, String value, String why) {
    return new Problem(source, "metadata.annotations[" + key + "]",
        "value " + quote(value) + " refused: " + why
            + "; the annotation is not applied. Fix its value.");
  }

  /** The value in double quotes, control characters escaped, so a problem line stays one line. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
