package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.headers.HeaderRules.Op;
import dev.bollard.proxy.step.HeaderTemplates;
import dev.bollard.proxy.step.HeaderTemplates.Edit;
import dev.bollard.proxy.step.Redirect;
import dev.bollard.proxy.step.RewriteProgram;
import dev.bollard.proxy.step.RewriteProgram.Flag;
import dev.bollard.proxy.step.RewriteProgram.Regex;
import dev.bollard.proxy.step.VariableTemplate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Snippet annotations from YAML to steps and problems. */
class SnippetTranslationTest {

  private static final String P = "nginx.ingress.kubernetes.io/";

  private static TranslationResult translate(String fixture) {
    return new SnapshotTranslator(IngressClassSelection.defaults())
        .translate(Fixtures.store(fixture));
  }

  private static List<RouteFeature> featuresOf(TranslationResult result, String host) {
    return featuresOf(result, host, "/");
  }

  private static List<RouteFeature> featuresOf(TranslationResult result, String host,
      String path) {
    return result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(host))
        .map(VirtualHost::routes)
        .flatMap(List::stream)
        .filter(r -> r.path().path().equals(path))
        .map(Route::features)
        .findFirst().orElseThrow();
  }

  @Test
  void theSeedTeamsHeadersMoreSnippetBecomesOneHeaderStepServerFirst() {
    TranslationResult result = translate("snippets.yaml");
    assertThat(featuresOf(result, "headers.example.com")).containsExactly(new HeaderTemplates(
        List.of(Edit.set("X-Real-Scheme", VariableTemplate.parse("$scheme", 0))),
        List.of(
            new Edit(Op.ADD, "X-Server", false, VariableTemplate.literal("1"),
                HeaderTemplates.ADD_HEADER_STATUSES, List.of(), false),
            Edit.set("X-From-Server", VariableTemplate.literal("yes")),
            Edit.set("X-Frame-Options", VariableTemplate.literal("DENY")),
            new Edit(Op.CLEAR, "Server", false, VariableTemplate.literal(""), Set.of(), List.of(),
                false))));
  }

  @Test
  void theServerSnippetIsTheHostsTheOldestIngressOnesOnEveryRouteOfTheHost() {
    TranslationResult result = translate("snippets.yaml");
    assertThat(featuresOf(result, "headers.example.com", "/neighbour")).containsExactly(
        new HeaderTemplates(List.of(), List.of(
            new Edit(Op.ADD, "X-Server", false, VariableTemplate.literal("1"),
                HeaderTemplates.ADD_HEADER_STATUSES, List.of(), false),
            Edit.set("X-From-Server", VariableTemplate.literal("yes")))));
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/neighbour"))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("metadata.annotations[" + P + "server-snippet]");
          assertThat(p.message()).startsWith("ignored for host headers.example.com: the older"
              + " Ingress shop/headers sets the server snippet of that host");
        });
  }

  @Test
  void aSnippetsReturnAndRewriteComeBeforeThePermanentRedirect() {
    TranslationResult result = translate("snippets.yaml");
    assertThat(featuresOf(result, "moved.example.com")).containsExactly(
        new RewriteProgram(List.of(
            new RewriteProgram.Rewrite(Regex.compile("^/old/(.*)$"),
                VariableTemplate.parse("/new/$1", 9), true, Flag.PERMANENT),
            new RewriteProgram.Return(301,
                VariableTemplate.parse("https://example.com$request_uri", 0)))),
        new Redirect(301, VariableTemplate.literal("https://never.example.com"),
            "permanent-redirect"));
  }

  @Test
  void aSnippetWithAnUntranslatableDirectiveIsReportedPerDirectiveAndNotApplied() {
    TranslationResult result = translate("snippets.yaml");
    assertThat(featuresOf(result, "lua.example.com")).isEmpty();
    assertThat(featuresOf(result, "others.example.com")).isEmpty();
    assertThat(result.problems())
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress shop/lua", "metadata.annotations[" + P + "configuration-snippet]"),
            tuple("Ingress shop/lua", "metadata.annotations[" + P + "configuration-snippet]"),
            tuple("Ingress shop/neighbour", "metadata.annotations[" + P + "server-snippet]"),
            tuple("Ingress shop/others", "metadata.annotations[" + P + "auth-snippet]"),
            tuple("Ingress shop/others", "metadata.annotations[" + P + "modsecurity-snippet]"),
            tuple("Ingress shop/others", "metadata.annotations[" + P + "stream-snippet]"));
    assertThat(result.problems()).extracting(Problem::message).satisfiesExactly(
        lua -> assertThat(lua).startsWith("line 2: lua_need_request_body on;: directive"
            + " lua_need_request_body is not translated").endsWith("The snippet is not applied"
            + " (Bollard applies a snippet whole or not at all): remove or replace this"
            + " directive."),
        pass -> assertThat(pass).startsWith("line 3: proxy_pass http://evil.example.com;:"
            + " directive proxy_pass is not translated"),
        neighbour -> assertThat(neighbour).startsWith("ignored for host headers.example.com"),
        // The snippets Bollard cannot translate at all are reported by the ingress-nginx table.
        auth -> assertThat(auth).startsWith("ignored: refused: never executed")
            .contains("auth-proxy-set-headers"),
        modsec -> assertThat(modsec).startsWith("ignored: refused: never executed")
            .contains("ModSecurity"),
        stream -> assertThat(stream).startsWith("ignored: refused: never executed")
            .contains("TCP streams"));
  }

  @Test
  void withAllowSnippetAnnotationsAtItsDefaultASnippetIsReportedAndNotApplied() {
    TranslationResult result = translate("snippets-not-allowed.yaml");
    assertThat(featuresOf(result, "headers.example.com")).isEmpty();
    assertThat(result.problems()).singleElement().satisfies(p -> {
      assertThat(p.resource()).isEqualTo("Ingress shop/headers");
      assertThat(p.field()).isEqualTo("metadata.annotations[" + P + "configuration-snippet]");
      assertThat(p.message()).startsWith("not applied: allow-snippet-annotations is false");
    });
  }
}
