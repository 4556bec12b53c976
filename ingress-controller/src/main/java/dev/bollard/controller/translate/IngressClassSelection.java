package dev.bollard.controller.translate;

/**
 * Placeholder: being written. Which Ingresses are ours.
 *
 * @param className the IngressClass name we answer to (default {@code bollard})
 * @param controllerName the {@code spec.controller} value we answer to
 * @param watchWithoutClass whether Ingresses with no class at all are ours
 */
public record IngressClassSelection(
    String className, String controllerName, boolean watchWithoutClass) {
  public static final String DEFAULT_CLASS = "bollard";
  public static final String CONTROLLER = "bollard.dev/ingress-controller";

  public static IngressClassSelection defaults() {
    return new IngressClassSelection(DEFAULT_CLASS, CONTROLLER, false);
  }
}
