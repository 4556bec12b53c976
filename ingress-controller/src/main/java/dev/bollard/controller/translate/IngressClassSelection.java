package dev.bollard.controller.translate;

import dev.bollard.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which Ingresses are ours, decided the way ingress-nginx decides it.
 *
 * <ol>
 *   <li>The legacy annotation {@code kubernetes.io/ingress.class}, when present, decides alone:
 *       ours if it equals {@code className}.
 *   <li>Else {@code spec.ingressClassName}: ours if the IngressClass of that name has {@code
 *       spec.controller} equal to {@code controllerName}. If no IngressClass of that name exists (a
 *       manifest directory rarely holds one), ours if the name equals {@code className}.
 *   <li>Else (no class at all): ours if an IngressClass of our controller carries {@code
 *       ingressclass.kubernetes.io/is-default-class: "true"}, or if {@code watchWithoutClass}.
 * </ol>
 *
 * <p>An empty class name or annotation counts as absent.
 *
 * @param className the IngressClass name we answer to (default {@code bollard})
 * @param controllerName the {@code spec.controller} value we answer to
 * @param watchWithoutClass whether Ingresses with no class at all are ours
 */
public record IngressClassSelection(
    String className, String controllerName, boolean watchWithoutClass) {

  /** The class name used when none is configured. */
  public static final String DEFAULT_CLASS = "bollard";

  /** Our {@code IngressClass.spec.controller} value. */
  public static final String CONTROLLER = "bollard.dev/ingress-controller";

  /** The legacy per-Ingress class annotation. */
  public static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  /** The annotation that makes an IngressClass the cluster's default. */
  public static final String DEFAULT_CLASS_ANNOTATION =
      "ingressclass.kubernetes.io/is-default-class";

  public IngressClassSelection {
    if (className.isEmpty()) {
      throw new IllegalArgumentException("className: \"\" (expected: an IngressClass name)");
    }
    if (controllerName.isEmpty()) {
      throw new IllegalArgumentException(
          "controllerName: \"\" (expected: e.g. " + CONTROLLER + ")");
    }
  }

  /**
   * Class {@value #DEFAULT_CLASS}, controller {@value #CONTROLLER}, class-less Ingresses ignored.
   */
  public static IngressClassSelection defaults() {
    return new IngressClassSelection(DEFAULT_CLASS, CONTROLLER, false);
  }

  /** Whether this Ingress is ours to serve, given the IngressClasses in the store. */
  public boolean selects(Ingress ingress, ResourceStore store) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    String annotated = annotations == null ? null : blankToNull(annotations.get(CLASS_ANNOTATION));
    if (annotated != null) {
      return annotated.equals(className);
    }
    String named =
        ingress.getSpec() == null ? null : blankToNull(ingress.getSpec().getIngressClassName());
    if (named != null) {
      Optional<IngressClass> ingressClass = store.ingressClass(named);
      return ingressClass.isPresent() ? isOurs(ingressClass.get()) : named.equals(className);
    }
    return watchWithoutClass
        || store.ingressClasses().stream().anyMatch(c -> isOurs(c) && isDefault(c));
  }

  private boolean isOurs(IngressClass ingressClass) {
    return ingressClass.getSpec() != null
        && controllerName.equals(ingressClass.getSpec().getController());
  }

  private static boolean isDefault(IngressClass ingressClass) {
    Map<String, String> annotations = ingressClass.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(DEFAULT_CLASS_ANNOTATION));
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
