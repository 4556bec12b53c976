package dev.bollard.controller.compat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Renders {@link IngressNginx} as {@code docs/ingress-nginx.md}: an introduction, a count per
 * status, then one table for the annotations and one for the ConfigMap keys. Deterministic: the
 * same table always gives the same text, so a test can compare it with the file.
 */
public final class CatalogueDocument {

  private CatalogueDocument() {}

  /** The whole document. */
  public static String render() {
    StringBuilder out = new StringBuilder();
    out.append("""
        # Coming from ingress-nginx

        <!-- Generated from IngressNginx.java (package dev.bollard.controller.compat) by
             CatalogueDocumentTest; edit the table there, not this file. -->

        ingress-nginx was retired in March 2026. Bollard reads the same Ingresses: this page lists
        every annotation and every ConfigMap key of ingress-nginx with what Bollard does with it.
        The same table drives the translator (an annotation of ingress-nginx that Bollard does not
        apply is reported as a problem naming the Ingress and the annotation: in `bollard check`,
        as a Kubernetes Event and on `/status`) and `bollard migrate`.

        ## Migrating

        1. Run `bollard migrate --manifests DIR` on your Ingress manifests, or
           `bollard migrate --kubeconfig FILE` on the cluster (add `--nginx-configmap NS/NAME` or
           `--nginx-configmap FILE` for ingress-nginx's controller ConfigMap). It prints, per
           Ingress and per annotation, whether Bollard honours it, honours it with a difference
           (which), ignores it (why) or refuses it (for snippets: which directive), and the
           Ingress's other problems, then a summary line. It exits 1 when anything would behave
           differently under Bollard; `--output json` gives the same report to machines.
        2. Fix what it reports: remove annotations that have no effect, replace what is refused
           (snippets: Bollard's annotations and header rules), and wait for the planned issues
           (or keep those Ingresses on ingress-nginx for now).
        3. Move global keys of ingress-nginx's ConfigMap that Bollard honours into a Bollard
           config version (README, "Global settings: versioned ConfigMaps"): the keys keep their
           names.
        4. Cut over: run Bollard beside ingress-nginx and switch traffic as the README's
           [cutover section](../README.md#taking-over-from-ingress-nginx-cutover) describes.

        Statuses: **honoured** (same meaning), **honoured with a difference** (the note says
        which), **ignored** (accepted, no effect: the note says why and what to use instead),
        **refused** (never applied, on purpose), **planned** (not yet; the issue that adds it).

        """);
    out.append("## Annotations\n\n");
    out.append("Prefix `nginx.ingress.kubernetes.io/` unless written in full. ")
        .append(counts(IngressNginx.ANNOTATIONS)).append("\n\n");
    table(out, "annotation", IngressNginx.ANNOTATIONS, true);
    out.append("\n## ConfigMap keys\n\n");
    out.append("The keys of ingress-nginx's controller ConfigMap. Those Bollard honours are"
        + " accepted under the same names in Bollard's versioned ConfigMaps. ")
        .append(counts(IngressNginx.CONFIG_KEYS)).append("\n\n");
    table(out, "key", IngressNginx.CONFIG_KEYS, false);
    return out.toString();
  }

  private static String counts(List<Entry> entries) {
    Map<Status, Integer> n = new EnumMap<>(Status.class);
    entries.forEach(e -> n.merge(e.status(), 1, Integer::sum));
    StringBuilder out = new StringBuilder().append(entries.size()).append(" in all: ");
    String sep = "";
    for (Status s : Status.values()) {
      out.append(sep).append(n.getOrDefault(s, 0)).append(' ').append(s.text());
      sep = ", ";
    }
    return out.append('.').toString();
  }

  private static void table(StringBuilder out, String what, List<Entry> entries, boolean strip) {
    out.append("| ").append(what).append(" | status | note |\n|---|---|---|\n");
    for (Entry e : entries) {
      String name = strip ? e.shortName() : e.key();
      String status = e.status() == Status.PLANNED
          ? "planned (issue " + e.issue() + ")" : e.status().text();
      out.append("| `").append(name).append("` | ").append(status).append(" | ")
          .append(cell(e.note())).append(" |\n");
    }
  }

  /** A table cell: pipes escaped, so a note never breaks the row. */
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
