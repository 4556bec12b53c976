package dev.bollard.controller.migrate;

import dev.bollard.controller.compat.IngressNginx;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The report for people: grouped by Ingress, then annotation; each line that needs attention says
 * why and what to do; a summary line last.
 *
 * <pre>
 * Ingress shop/legacy
 *   honoured   x-forwarded-prefix: /shop
 *   planned    auth-url: "https://auth.example.com/check"
 *              not implemented yet (issue 17): external authentication
 *              → keep this Ingress on ingress-nginx until the issue is done, or accept losing it
 * </pre>
 */
public final class HumanReport {

  private static final String INDENT = "  ";
  private static final int LABEL = 10;
  private static final int MAX_VALUE = 60;

  private HumanReport() {}

  /** Writes the report; the caller flushes. */
  public static void write(MigrationReport report, PrintWriter out) {
    for (MigrationReport.IngressVerdict ingress : report.ingresses()) {
      out.println("Ingress " + ingress.name() + (ingress.changesBehaviour() ? "" : ": ok"));
      if (ingress.annotations().isEmpty() && ingress.problems().isEmpty()) {
        out.println(INDENT + "(no ingress-nginx annotations)");
      }
      for (MigrationReport.Verdict v : ingress.annotations()) {
        verdict(out, shorten(v.key()), v);
      }
      for (String problem : ingress.problems()) {
        line(out, "problem", problem);
      }
      out.println();
    }
    if (report.configMap() != null) {
      out.println("ConfigMap " + report.configMap().name() + " (ingress-nginx's global keys)");
      for (MigrationReport.Verdict v : report.configMap().keys()) {
        verdict(out, v.key(), v);
      }
      out.println(INDENT + "→ put the honoured keys, under the same names, into a Bollard config"
          + " version (README: Global settings)");
      out.println();
    }
    if (!report.otherProblems().isEmpty()) {
      out.println("Other problems");
      report.otherProblems().forEach(p -> line(out, "problem", p));
      out.println();
    }
    out.println(summary(report));
  }

  /** The last line: counts, and whether anything would change. */
  public static String summary(MigrationReport report) {
    StringBuilder s = new StringBuilder("migrate: ")
        .append(plural(report.ingresses().size(), "Ingress", "Ingresses")).append(", ");
    Map<Outcome, Integer> a = report.annotationCounts();
    int total = a.values().stream().mapToInt(Integer::intValue).sum();
    s.append(plural(total, "annotation", "annotations")).append(counts(a));
    s.append(", ").append(plural(report.ingressProblemCount(), "other Ingress problem",
        "other Ingress problems"));
    if (report.configMap() != null) {
      Map<Outcome, Integer> k = report.configKeyCounts();
      s.append(", ").append(plural(report.configMap().keys().size(), "ConfigMap key",
          "ConfigMap keys")).append(counts(k));
    }
    if (!report.otherProblems().isEmpty()) {
      s.append(", ").append(plural(report.otherProblems().size(), "other problem",
          "other problems"));
    }
    s.append(report.changesBehaviour()
        ? ". Behaviour would change under Bollard: see each line above and "
            + IngressNginx.DOCUMENT + "."
        : ". Nothing would behave differently under Bollard.");
    return s.toString();
  }

  private static void verdict(PrintWriter out, String name, MigrationReport.Verdict v) {
    line(out, v.outcome().label(), name + ": " + value(v.value()));
    if (!v.note().isEmpty()) {
      String note = v.outcome() == Outcome.PLANNED
          ? "not implemented yet (issue " + v.issue() + "): " + v.note() : v.note();
      line(out, "", note);
    }
    for (String problem : v.problems()) {
      line(out, "", "- " + problem);
    }
    if (!v.outcome().advice().isEmpty()) {
      line(out, "", "→ " + v.outcome().advice());
    }
  }

  private static void line(PrintWriter out, String label, String text) {
    out.println(INDENT + pad(label) + " " + text);
  }

  private static String pad(String label) {
    return label + " ".repeat(Math.max(0, LABEL - label.length()));
  }

  private static String shorten(String key) {
    return key.startsWith(IngressNginx.PREFIX) ? key.substring(IngressNginx.PREFIX.length()) : key;
  }

  /** The value on one line: the first line of a multi-line value, cut at 60 characters. */
  private static String value(String value) {
    String v = value.strip();
    int newline = v.indexOf('\n');
    boolean cut = newline >= 0 || v.length() > MAX_VALUE;
    if (newline >= 0) {
      v = v.substring(0, newline).strip();
    }
    if (v.length() > MAX_VALUE) {
      v = v.substring(0, MAX_VALUE);
    }
    return "\"" + v + (cut ? "…" : "") + "\"";
  }

  private static String counts(Map<Outcome, Integer> n) {
    if (n.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder(" (");
    String sep = "";
    for (Map.Entry<Outcome, Integer> e : n.entrySet()) {
      s.append(sep).append(e.getValue()).append(' ').append(e.getKey().label());
      sep = ", ";
    }
    return s.append(')').toString();
  }

  private static String plural(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
