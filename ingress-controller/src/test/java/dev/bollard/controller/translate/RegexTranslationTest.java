package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.step.RewriteTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code use-regex} and {@code rewrite-target}, from the fixture {@code translate/regex.yaml}. */
class RegexTranslationTest {

  private static final String USE_REGEX =
      "metadata.annotations[nginx.ingress.kubernetes.io/use-regex]";
  private static final String REWRITE_TARGET =
      "metadata.annotations[nginx.ingress.kubernetes.io/rewrite-target]";

  private final TranslationResult result = Fixtures.translated("regex.yaml");

  private List<Route> routesOf(String host) {
    return result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals(host))
        .map(VirtualHost::routes)
        .flatMap(List::stream)
        .toList();
  }

  @Test
  void everyPathOfARegexIngressIsARegexWithTheRewriteStep() {
    assertThat(routesOf("rewrite.example.com"))
        .extracting(Route::path, Route::features)
        .containsExactly(
            tuple(new PathMatch.Regex("/exact"),
                List.of(new RewriteTarget("/exact", "/$2"))),
            tuple(new PathMatch.Prefix("/plain"), List.of()),
            tuple(new PathMatch.Regex("/something(/|$)(.*)"),
                List.of(new RewriteTarget("/something(/|$)(.*)", "/$2"))));
  }

  @Test
  void aPathEqualToTheTargetIsNeitherRewrittenNorARegex() {
    assertThat(routesOf("other.example.com"))
        .extracting(Route::path, Route::features)
        .containsExactly(
            tuple(new PathMatch.Prefix("/"), List.of()),
            tuple(new PathMatch.Regex("/foo"), List.of(new RewriteTarget("/foo", "/"))));
  }

  @Test
  void aPathRe2CannotCompileIsSkippedAndTheRestServed() {
    assertThat(routesOf("bad.example.com")).extracting(Route::path)
        .containsExactly(new PathMatch.Regex("/good/(.*)"));
    assertThat(result.problems())
        .filteredOn(p -> p.resource().equals("Ingress shop/backref")
            || p.resource().equals("Ingress shop/lookahead"))
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress shop/backref", "spec.rules[0].http.paths[0].path"),
            tuple("Ingress shop/lookahead", "spec.rules[0].http.paths[0].path"));
    assertThat(problemOf("Ingress shop/backref").message())
        .startsWith("\"/(a)\\\\1\" is a regular expression here (annotation"
            + " nginx.ingress.kubernetes.io/use-regex) but not a regular expression Bollard can"
            + " match (RE2 syntax")
        .endsWith("this path is skipped. Write it in RE2 syntax.");
    assertThat(problemOf("Ingress shop/lookahead").message())
        .contains("(annotation nginx.ingress.kubernetes.io/rewrite-target)");
  }

  @Test
  void badValuesAreProblemsAndTheIngressIsServedWithoutThem() {
    assertThat(routesOf("values.example.com"))
        .extracting(Route::path, Route::features)
        .containsExactly(
            tuple(new PathMatch.Prefix("/b"), List.of()),
            tuple(new PathMatch.Prefix("/t"), List.of()));
    assertThat(problemOf("Ingress shop/bad-target"))
        .extracting(Problem::field, Problem::message)
        .containsExactly(REWRITE_TARGET, "value \"/$host/$1\" refused: '$' at index 1 is not"
            + " followed by a digit 1-9; only the groups $1…$9 of the path are expanded (nginx"
            + " variables are not); the annotation is not applied. Fix its value.");
    assertThat(problemOf("Ingress shop/bad-bool"))
        .extracting(Problem::field, Problem::message)
        .containsExactly(USE_REGEX, "value \"yes\" refused: expected true or false; the"
            + " annotation is not applied. Fix its value.");
  }

  @Test
  void theSameRegexTwiceOnAHostIsAConflictButAnotherTrailingSlashIsAnotherRegex() {
    assertThat(routesOf("dup.example.com")).extracting(Route::path, r -> r.source().name())
        .containsExactly(
            tuple(new PathMatch.Regex("/same/(.*)"), "dup-old"),
            tuple(new PathMatch.Regex("/same/(.*)/"), "dup-young"));
    assertThat(problemOf("Ingress shop/dup-young"))
        .extracting(Problem::field, Problem::message)
        .containsExactly("spec.rules[0].http.paths[0]", "host dup.example.com, regex /same/(.*)"
            + " is already served by the older Ingress shop/dup-old; this path is ignored."
            + " Remove the duplicate or change the path.");
  }

  @Test
  void nothingElseIsAProblem() {
    assertThat(result.problems()).extracting(Problem::resource).containsExactly(
        "Ingress shop/backref", "Ingress shop/bad-bool", "Ingress shop/bad-target",
        "Ingress shop/dup-young", "Ingress shop/lookahead");
  }

  private Problem problemOf(String resource) {
    return result.problems().stream().filter(p -> p.resource().equals(resource))
        .findFirst().orElseThrow();
  }
}
