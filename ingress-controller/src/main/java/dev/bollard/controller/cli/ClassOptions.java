package dev.bollard.controller.cli;

import dev.bollard.controller.translate.IngressClassSelection;
import picocli.CommandLine.Option;

/** Which Ingresses are ours; shared by {@code run} and {@code check} so both see the same set. */
final class ClassOptions {

  @Option(
      names = "--ingress-class",
      paramLabel = "NAME",
      defaultValue = IngressClassSelection.DEFAULT_CLASS,
      description =
          "IngressClass name to serve (spec.ingressClassName or the kubernetes.io/ingress.class"
              + " annotation). Default: ${DEFAULT-VALUE}. Env: BOLLARD_INGRESS_CLASS.")
  String ingressClass;

  @Option(
      names = "--watch-ingress-without-class",
      defaultValue = "false",
      description =
          "Also serve Ingresses that name no class at all. Env: BOLLARD_WATCH_INGRESS_WITHOUT_CLASS"
              + "=true.")
  boolean watchWithoutClass;

  IngressClassSelection toSelection() {
    return new IngressClassSelection(
        ingressClass, IngressClassSelection.CONTROLLER, watchWithoutClass);
  }
}
