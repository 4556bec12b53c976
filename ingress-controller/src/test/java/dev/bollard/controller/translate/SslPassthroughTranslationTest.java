package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.VirtualHost;
import org.junit.jupiter.api.Test;

/** {@code nginx.ingress.kubernetes.io/ssl-passthrough}, from the fixture, with the flag and without. */
class SslPassthroughTranslationTest {

  private static final String FIELD =
      "metadata.annotations[nginx.ingress.kubernetes.io/ssl-passthrough]";

  private final ResourceStore store = Fixtures.store("ssl-passthrough.yaml");

  private TranslationResult translate(boolean flag) {
    return new SnapshotTranslator(IngressClassSelection.defaults(),
        new GlobalConfig(new ConfigFamily("default", ConfigFamily.DEFAULT_NAME), -1,
            SettingValues.DEFAULTS.with(Catalog.ENABLE_SSL_PASSTHROUGH, flag)),
        IngressStatusPlan.Address.NONE).translate(store);
  }

  @Test
  void withTheFlagTheOldestIngressOfAHostPassesItToTheBackendOfItsRootPath() {
    TranslationResult result = translate(true);

    assertThat(result.snapshot().tls().passthrough())
        .containsOnlyKeys("pass.example.com", "one.example.com");
    assertThat(result.snapshot().tls().passthrough().get("pass.example.com").id())
        .isEqualTo("shop/secure:443");
    // ImplementationSpecific / wins over Exact /.
    assertThat(result.snapshot().tls().passthrough().get("one.example.com").id())
        .isEqualTo("shop/secure:https");
  }

  @Test
  void thePassedThroughHostKeepsItsHttpRoutesAndTheirAnnotations() {
    TranslationResult result = translate(true);

    VirtualHost pass = result.snapshot().virtualHosts().stream()
        .filter(v -> v.hostPattern().equals("pass.example.com")).findFirst().orElseThrow();
    assertThat(pass.routes()).extracting(r -> r.path().path()).containsExactly("/", "/api",
        "/late");
    assertThat(pass.routes().get(0).features()).isNotEmpty();
    assertThat(pass.routes()).extracting(Route::backend).extracting(Backend::id)
        .containsExactly("shop/secure:443", "shop/web:80", "shop/web:80");
  }

  @Test
  void aTlsEntryWithoutSecretIsNoProblemForAPassedThroughHost() {
    assertThat(translate(true).problems()).extracting(Problem::resource)
        .doesNotContain("Ingress shop/pass");
  }

  @Test
  void withTheFlagEveryHostThatCannotBePassedThroughIsAProblem() {
    TranslationResult result = translate(true);

    assertThat(result.problems()).filteredOn(p -> p.field().equals(FIELD))
        .extracting(Problem::resource, p -> p.message().substring(0, 30))
        .containsExactly(
            tuple("Ingress shop/grab", "host plain.example.com is deci"),
            tuple("Ingress shop/hostless", "rules without host are not pas"),
            tuple("Ingress shop/late", "host pass.example.com is decid"),
            tuple("Ingress shop/no-root", "host noroot.example.com is not"),
            tuple("Ingress shop/typo", "value \"yes\" refused: expected "),
            tuple("Ingress shop/wild", "host *.wild.example.com is not"));
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/grab"))
        .singleElement().extracting(Problem::message).asString()
        .contains("older Ingress shop/plain, which does not pass it through");
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/late"))
        .singleElement().extracting(Problem::message).asString()
        .contains("older Ingress shop/pass, which passes it through already");
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/no-root"))
        .singleElement().extracting(Problem::message).asString()
        .contains("Add a rule for path /");
  }

  @Test
  void withoutTheFlagTheAnnotationIsAProblemNamingTheFlagAndNothingIsPassedThrough() {
    TranslationResult result = translate(false);

    assertThat(result.snapshot().tls().passthrough()).isEmpty();
    assertThat(result.problems()).filteredOn(p -> p.field().equals(FIELD))
        .extracting(Problem::resource)
        .containsExactly("Ingress shop/grab", "Ingress shop/hostless", "Ingress shop/late",
            "Ingress shop/no-root", "Ingress shop/pass", "Ingress shop/pass-one",
            "Ingress shop/typo", "Ingress shop/wild");
    assertThat(result.problems()).filteredOn(p -> p.resource().equals("Ingress shop/pass"))
        .extracting(Problem::field, Problem::message)
        .contains(tuple("spec.tls[0].secretName",
            "missing; host pass.example.com gets the default certificate."))
        .anySatisfy(p -> assertThat(p.toList().get(1).toString())
            .startsWith("SSL passthrough is off: start Bollard with --enable-ssl-passthrough"));
  }

  @Test
  void theDefaultTranslatorHasTheFlagOff() {
    TranslationResult result = new SnapshotTranslator(IngressClassSelection.defaults())
        .translate(store);

    assertThat(result.snapshot().tls().passthrough()).isEmpty();
  }
}
