package dev.bollard.controller.translate;

import dev.bollard.controller.translate.SnippetTranslator.ResponseEdit;
import dev.bollard.controller.translate.SnippetTranslator.Scope;
import dev.bollard.controller.translate.SnippetTranslator.Translation;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.HeaderTemplates;
import dev.bollard.proxy.step.HeaderTemplates.Edit;
import dev.bollard.proxy.step.RewriteProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An Ingress's snippet annotations ({@code server-snippet}, {@code configuration-snippet}, {@code
 * stream-snippet}, {@code auth-snippet}, {@code modsecurity-snippet}), the source of
 * ingress-nginx's worst CVEs: Bollard never runs them. With {@code allow-snippet-annotations} on,
 * the directives {@link SnippetTranslator} knows become steps; otherwise each snippet is reported
 * and not applied, as ingress-nginx (default off since 1.9) ignores it.
 *
 * <p>A snippet is applied whole or not at all: one directive that cannot be translated (each is a
 * problem naming it) leaves the whole snippet out. A snippet is written as one unit: its headers
 * may only make sense with its access rules or its {@code if}, and a half-applied snippet would
 * serve a mix its author never saw, where a missing one is plainly reported.
 *
 * <p>{@code server-snippet} is the host's, as in ingress-nginx: it applies to every route of each
 * host its Ingress names, other Ingresses' too, and the oldest Ingress's wins where several set
 * one ({@link FeatureAnnotations} decides). Unlike ingress-nginx it does not reach requests that
 * no route of the host serves (the default backend's). See {@link #combine} for how it merges
 * with a route's configuration snippet; its {@code proxy_set_header} lines have no effect, as in
 * ingress-nginx.
 */
final class SnippetAnnotations {

  static final String PREFIX = "nginx.ingress.kubernetes.io/";
  static final String SERVER = PREFIX + "server-snippet";
  static final String CONFIGURATION = PREFIX + "configuration-snippet";

  private final boolean allowed;
  private final List<Problem> problems;

  /**
   * @param allowed the global {@code allow-snippet-annotations}
   * @param problems where refused snippets and directives are reported
   */
  SnippetAnnotations(boolean allowed, List<Problem> problems) {
    this.allowed = allowed;
    this.problems = problems;
  }

  /** The Ingress's {@code server-snippet}, or null when absent or not applied (reported). */
  @Nullable Translation server(RouteSource source, Map<String, String> annotations) {
    return translation(source, annotations, SERVER, Scope.SERVER);
  }

  /** The Ingress's {@code configuration-snippet}, or null when absent or not applied (reported). */
  @Nullable Translation location(RouteSource source, Map<String, String> annotations) {
    return translation(source, annotations, CONFIGURATION, Scope.LOCATION);
  }

  /**
   * The steps of a route from its host's server snippet and its Ingress's configuration snippet:
   * the server's {@code return} and {@code rewrite} first, then the location's; one header step,
   * the server's edits first (headers-more runs inherited directives first), the server's {@code
   * add_header} lines left out when the location has its own (nginx inherits them only into a
   * block without any).
   */
  static List<RouteFeature> combine(@Nullable Translation server, @Nullable Translation location) {
    List<RouteFeature> features = new ArrayList<>();
    if (server != null && !server.program().isEmpty()) {
      features.add(new RewriteProgram(server.program(), true));
    }
    if (location != null && !location.program().isEmpty()) {
      features.add(new RewriteProgram(location.program()));
    }
    List<Edit> request = new ArrayList<>();
    List<Edit> response = new ArrayList<>();
    boolean locationAddsHeaders = location != null
        && location.response().stream().anyMatch(ResponseEdit::addHeader);
    if (server != null) {
      request.addAll(server.request());
      server.response().stream().filter(e -> !(locationAddsHeaders && e.addHeader()))
          .map(ResponseEdit::edit).forEach(response::add);
    }
    if (location != null) {
      request.addAll(location.request());
      location.response().stream().map(ResponseEdit::edit).forEach(response::add);
    }
    List<String> hidden = new ArrayList<>();
    if (server != null) {
      hidden.addAll(server.hidden());
    }
    if (location != null) {
      hidden.addAll(location.hidden());
    }
    if (!request.isEmpty() || !response.isEmpty() || !hidden.isEmpty()) {
      features.add(new HeaderTemplates(request, response, hidden));
    }
    return List.copyOf(features);
  }

  /** The snippet's translation, or null when it is absent, not allowed or not applied. */
  private @Nullable Translation translation(
      RouteSource source, Map<String, String> annotations, String key, Scope scope) {
    String text = annotations.get(key);
    if (text == null || text.isBlank()) {
      return null;
    }
    if (!allowed) {
      problems.add(new Problem(source, field(key), "not applied: allow-snippet-annotations is"
          + " false (the default, as in ingress-nginx). Bollard never runs snippets; with the key"
          + " set to true in its config it translates " + SnippetTranslator.TRANSLATED
          + " into steps and reports the rest."));
      return null;
    }
    Translation t = SnippetTranslator.translate(text, scope);
    for (String note : t.notes()) {
      problems.add(new Problem(source, field(key), note + "; the rest of the snippet applies."));
    }
    if (t.refusals().isEmpty()) {
      return t;
    }
    for (String refusal : t.refusals()) {
      problems.add(new Problem(source, field(key), refusal + ". The snippet is not applied"
          + " (Bollard applies a snippet whole or not at all): remove or replace this"
          + " directive."));
    }
    return null;
  }

  private static String field(String key) {
    return "metadata.annotations[" + key + "]";
  }
}
