package dev.bollard.controller.compat;

/** What Bollard does with one annotation or ConfigMap key of ingress-nginx. */
public enum Status {
  /** Same meaning as in ingress-nginx. */
  HONOURED("honoured"),
  /** Honoured, with a difference the note names. */
  DIFFERS("honoured with a difference"),
  /** Accepted and has no effect: nginx-internal tuning, or a feature Bollard does not have. */
  IGNORED("ignored"),
  /** Never applied on purpose (snippets, protocols Bollard will not speak). */
  REFUSED("refused"),
  /** Not implemented yet; an open issue will add it. */
  PLANNED("planned");

  private final String text;

  Status(String text) {
    this.text = text;
  }

  /** As reports and the documentation write it. */
  public String text() {
    return text;
  }

  /** Whether Bollard applies it (plainly or with a difference). */
  public boolean applied() {
    return this == HONOURED || this == DIFFERS;
  }
}
