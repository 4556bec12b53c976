package dev.bollard.controller.compat;

import static dev.bollard.controller.compat.PendingMerge.PENDING_MERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.Setting;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The rules of the ingress-nginx table itself, and its ConfigMap keys against {@link Catalog}. */
class IngressNginxTest {

  private static final Set<String> CATALOG_KEYS = Catalog.ALL.stream().map(Setting::key)
      .filter(Objects::nonNull).collect(Collectors.toSet());

  @Test
  void annotationsAppliedCarryASampleAndTheOthersNone() {
    for (Entry e : IngressNginx.ANNOTATIONS) {
      if (e.status().applied()) {
        assertThat(e.sample()).as(e.key()).isNotBlank();
      } else {
        assertThat(e.sample()).as(e.key()).isNull();
        assertThat(e.companions()).as(e.key()).isEmpty();
      }
    }
  }

  @Test
  void annotationsHaveIngressNginxsPrefixExceptTheTwoLegacyOnes() {
    assertThat(IngressNginx.ANNOTATIONS).map(Entry::key)
        .filteredOn(k -> !k.startsWith(IngressNginx.PREFIX))
        .containsExactlyInAnyOrder("kubernetes.io/ingress.class", "kubernetes.io/tls-acme");
  }

  @Test
  void theTableCoversIngressNginxsWholeList() {
    // ~140 annotations and ~190 keys: a table that shrinks lost entries.
    assertThat(IngressNginx.ANNOTATIONS).hasSizeGreaterThanOrEqualTo(140);
    assertThat(IngressNginx.CONFIG_KEYS).hasSizeGreaterThanOrEqualTo(190);
  }

  @Test
  void onlyAnnotationsBollardDoesNotApplyGetAnIgnoredMessage() {
    assertThat(IngressNginx.ignoredMessage(IngressNginx.PREFIX + "x-forwarded-prefix")).isEmpty();
    assertThat(IngressNginx.ignoredMessage(IngressNginx.PREFIX + "enable-cors")).isEmpty();
    assertThat(IngressNginx.ignoredMessage(IngressNginx.PREFIX + "satisfy")).isEmpty();
    assertThat(IngressNginx.ignoredMessage(IngressNginx.PREFIX + "mirror-target")).contains(
        "ignored: request mirroring is not implemented; see docs/ingress-nginx.md");
    assertThat(IngressNginx.ignoredMessage(IngressNginx.PREFIX + "stream-snippet").orElseThrow())
        .startsWith("ignored: refused: never executed");
    assertThat(IngressNginx.ignoredMessage(IngressNginx.PREFIX + "rewrite-targt")).contains(
        "ignored: not an annotation of ingress-nginx that Bollard knows (check the spelling);"
            + " see docs/ingress-nginx.md");
  }

  /**
   * A key the table calls honoured must be one Bollard's config accepts, and every key Bollard
   * accepts under ingress-nginx's name must be in the table as honoured. Bollard's own keys start
   * with {@code bollard-}.
   */
  @Test
  void configKeysHonouredAreExactlyTheCatalogsIngressNginxKeys() {
    Set<String> honoured = IngressNginx.CONFIG_KEYS.stream().filter(e -> e.status().applied())
        .map(Entry::key).collect(Collectors.toCollection(TreeSet::new));
    Set<String> ingressNginxNamed = CATALOG_KEYS.stream().filter(k -> !k.startsWith("bollard-"))
        .collect(Collectors.toCollection(TreeSet::new));

    Set<String> honouredNotInCatalog = new TreeSet<>(honoured);
    honouredNotInCatalog.removeAll(CATALOG_KEYS);
    Set<String> pending = new TreeSet<>(honouredNotInCatalog);
    pending.retainAll(PENDING_MERGE);
    honouredNotInCatalog.removeAll(PENDING_MERGE);
    assertThat(honouredNotInCatalog)
        .as("ConfigMap keys the table calls honoured that settings.Catalog does not accept")
        .isEmpty();

    Set<String> stalePending = PENDING_MERGE.stream().filter(k -> !k.contains("/"))
        .filter(CATALOG_KEYS::contains).collect(Collectors.toCollection(TreeSet::new));
    assertThat(stalePending)
        .as("keys in PendingMerge.PENDING_MERGE that settings.Catalog accepts now: remove them")
        .isEmpty();

    Set<String> notHonoured = new TreeSet<>(ingressNginxNamed);
    notHonoured.removeAll(honoured);
    assertThat(notHonoured)
        .as("settings.Catalog keys with ingress-nginx names the table does not call honoured"
            + " (add them to IngressNginx.CONFIG_KEYS, or rename them bollard-…)")
        .isEmpty();
  }

  @Test
  void plannedEntriesNameOneOfTheNextIssues() {
    List<Entry> all = new java.util.ArrayList<>(IngressNginx.ANNOTATIONS);
    all.addAll(IngressNginx.CONFIG_KEYS);
    assertThat(all).filteredOn(e -> e.status() == Status.PLANNED).allSatisfy(e ->
        assertThat(e.issue()).as(e.key()).isIn(16, 17, 18));
  }
}
