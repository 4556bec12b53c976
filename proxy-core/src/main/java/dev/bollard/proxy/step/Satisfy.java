package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import java.util.Locale;

/**
 * ingress-nginx's {@code satisfy} annotation (nginx's {@code satisfy} directive): whether a request
 * must pass the route's client address allow-list AND its authentication ({@link #ALL}, the
 * default), or either of them ({@link #ANY}: a client the allow-list contains needs no
 * credentials, any other client must authenticate). The chain compiler applies it ({@link
 * SatisfyAny}); it is no step itself.
 */
public enum Satisfy implements RouteFeature {
  /** Both the allow-list and the authentication (nginx's default). */
  ALL,
  /** The allow-list or the authentication. */
  ANY;

  /**
   * {@code any} or {@code all}, as ingress-nginx accepts them (lower case only).
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Satisfy parse(String value) {
    return switch (value) {
      case "any" -> ANY;
      case "all" -> ALL;
      default -> throw new IllegalArgumentException(
          "expected any or all (ingress-nginx treats any other value as all)");
    };
  }

  @Override
  public String toString() {
    return "satisfy " + name().toLowerCase(Locale.ROOT);
  }
}
