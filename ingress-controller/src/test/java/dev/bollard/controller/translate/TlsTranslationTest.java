package dev.bollard.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.TlsBinding;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class TlsTranslationTest {

  private static final RouteSource SHOP = RouteSource.ingress("shop", "shop");
  private static final RouteSource RULES = RouteSource.ingress("shop", "rules");

  private final ResourceStore store = Fixtures.store("tls.yaml");
  private final TranslationResult result =
      new SnapshotTranslator(IngressClassSelection.defaults()).translate(store);

  @Test
  void everyEntryIsBoundAndOnlySoundCertificatesAreServed() {
    assertThat(result.snapshot().tls().bindings()).containsExactly(
        served(SHOP, "shop-tls", "shop.example.com", "*.preview.example.com"),
        defaulted(SHOP, "shop/shop-tls", false, "uncovered.example.com"),
        defaulted(SHOP, "shop/missing-tls", false, "missing.example.com"),
        defaulted(SHOP, "shop/broken-tls", false, "broken.example.com"),
        defaulted(SHOP, "shop/mismatch-tls", false, "mismatch.example.com"),
        // No hosts: the rule hosts.
        served(RULES, "rules-tls", "rules.example.com"),
        served(RULES, "other-tls", "other.example.com"),
        // Not found yet, as before the first issuance: the default certificate, no problem.
        defaulted(RouteSource.ingress("shop", "acme"), "shop/acme-tls", true, "acme.example.com"),
        defaulted(RouteSource.ingress("shop", "acme-bollard"), "shop/www-tls", true,
            "www.example.com"));
  }

  @Test
  void hostsFindTheirCertificateExactlyThenByWildcard() {
    assertThat(result.snapshot().tls().bindingFor("a.preview.example.com"))
        .hasValueSatisfying(b -> assertThat(b.secret()).isEqualTo("shop/shop-tls"));
    assertThat(result.snapshot().tls().bindingFor("a.b.preview.example.com")).isEmpty();
    assertThat(result.snapshot().tls().bindingFor("ignored.example.com")).isEmpty();
  }

  @Test
  void everyProblemNamesTheIngressTheFieldAndTheSecret() {
    assertThat(result.problems())
        .extracting(Problem::resource, Problem::field)
        .containsExactly(
            tuple("Ingress shop/rules", "spec.tls[2].hosts"),
            tuple("Ingress shop/shop", "spec.tls[0].hosts"),
            tuple("Ingress shop/shop", "spec.tls[1].secretName"),
            tuple("Ingress shop/shop", "spec.tls[2].secretName"),
            tuple("Ingress shop/shop", "spec.tls[3].secretName"));
    assertThat(result.problems()).extracting(Problem::message).satisfiesExactly(
        conflict -> assertThat(conflict).contains("host shop.example.com already has TLS from"
            + " Secret shop/shop-tls of the older Ingress shop/shop"),
        uncovered -> assertThat(uncovered).contains("Secret shop/shop-tls",
            "shop.example.com, *.preview.example.com",
            "does not cover host uncovered.example.com; it gets the default certificate"),
        missing -> assertThat(missing).contains("Secret shop/missing-tls not found",
            "host missing.example.com gets the default certificate until it exists"),
        broken -> assertThat(broken).contains("Secret shop/broken-tls", "certificate",
            "Fix tls.crt/tls.key"),
        mismatch -> assertThat(mismatch).contains("Secret shop/mismatch-tls",
            "the private key does not belong to the certificate"));
  }

  private TlsBinding served(RouteSource source, String secret, String... hosts) {
    return new TlsBinding(source, "shop/" + secret, List.of(hosts), pem(secret, "tls.crt"),
        pem(secret, "tls.key"), false);
  }

  private static TlsBinding defaulted(RouteSource source, String secret, boolean acme,
      String... hosts) {
    return new TlsBinding(source, secret, List.of(hosts), null, null, acme);
  }

  private @Nullable String pem(String secret, String key) {
    return TlsTranslation.data(store.secret("shop", secret).orElseThrow(), key);
  }
}
