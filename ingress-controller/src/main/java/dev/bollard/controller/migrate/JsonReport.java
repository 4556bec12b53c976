package dev.bollard.controller.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The report for machines: one JSON object.
 *
 * <pre>
 * {"changesBehaviour": true,
 *  "summary": {"ingresses": 1, "annotations": {"honoured": 1, "planned": 1}, ...},
 *  "ingresses": [{"name": "shop/legacy", "changesBehaviour": true,
 *                 "annotations": [{"key": "...", "value": "...", "outcome": "planned",
 *                                  "note": "...", "issue": 16, "problems": [], "advice": "..."}],
 *                 "problems": []}],
 *  "configMap": null or {"name": "...", "keys": [...]},
 *  "otherProblems": []}
 * </pre>
 */
public final class JsonReport {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private JsonReport() {}

  /** The report as JSON text. */
  public static String render(MigrationReport report) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("changesBehaviour", report.changesBehaviour());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("ingresses", report.ingresses().size());
    summary.put("annotations", counts(report.annotationCounts()));
    summary.put("ingressProblems", report.ingressProblemCount());
    summary.put("configMapKeys", counts(report.configKeyCounts()));
    summary.put("otherProblems", report.otherProblems().size());
    root.put("summary", summary);
    List<Object> ingresses = new ArrayList<>();
    for (MigrationReport.IngressVerdict i : report.ingresses()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", i.name());
      m.put("changesBehaviour", i.changesBehaviour());
      m.put("annotations", i.annotations().stream().map(JsonReport::verdict).toList());
      m.put("problems", i.problems());
      ingresses.add(m);
    }
    root.put("ingresses", ingresses);
    if (report.configMap() == null) {
      root.put("configMap", null);
    } else {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", report.configMap().name());
      m.put("keys", report.configMap().keys().stream().map(JsonReport::verdict).toList());
      root.put("configMap", m);
    }
    root.put("otherProblems", report.otherProblems());
    return JSON.writeValueAsString(root);
  }

  private static Map<String, Object> verdict(MigrationReport.Verdict v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", v.key());
    m.put("value", v.value());
    m.put("outcome", v.outcome().label());
    m.put("note", v.note());
    if (v.issue() > 0) {
      m.put("issue", v.issue());
    }
    m.put("problems", v.problems());
    m.put("advice", v.outcome().advice());
    return m;
  }

  private static Map<String, Integer> counts(Map<Outcome, Integer> n) {
    Map<String, Integer> out = new LinkedHashMap<>();
    n.forEach((k, v) -> out.put(k.label(), v));
    return out;
  }
}
