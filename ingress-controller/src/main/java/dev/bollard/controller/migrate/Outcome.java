package dev.bollard.controller.migrate;

/** What happens to one annotation or ConfigMap key under Bollard, and what to do about it. */
public enum Outcome {
  HONOURED("honoured", ""),
  DIFFERS("differs", "check that this difference is acceptable"),
  IGNORED("ignored", "remove it, or do what the note says instead; it has no effect"),
  PLANNED("planned",
      "keep this Ingress on ingress-nginx until the issue is done, or accept losing it"),
  REFUSED("refused", "rewrite it with Bollard's annotations or header rules"
      + " (docs/ingress-nginx.md); what is refused is never applied"),
  UNKNOWN("unknown", "not an ingress-nginx name Bollard knows: check the spelling, or remove it"),
  PROBLEM("problem", "fix the value as the problem says; until then it is not applied");

  private final String label;
  private final String advice;

  Outcome(String label, String advice) {
    this.label = label;
    this.advice = advice;
  }

  /** One word, as the report writes it. */
  public String label() {
    return label;
  }

  /** What to do, or empty when nothing is to be done. */
  public String advice() {
    return advice;
  }

  /** Whether anything behaves differently than under ingress-nginx. */
  public boolean changesBehaviour() {
    return this != HONOURED;
  }
}
