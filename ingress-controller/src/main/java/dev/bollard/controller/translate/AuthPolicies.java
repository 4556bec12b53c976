package dev.bollard.controller.translate;

import dev.bollard.auth.CredentialProblem;
import dev.bollard.auth.CredentialSet;
import dev.bollard.auth.Htpasswd;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.RouteSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Basic-auth policies from ingress-nginx's annotations (per Ingress) and from the global config
 * (per host pattern), with their credentials read from Secrets in the store.
 *
 * <p>Annotations, under {@code nginx.ingress.kubernetes.io/} or {@code bollard.dev/} (the latter
 * wins when both are set): {@code auth-type: basic}, {@code auth-secret} ({@code name} in the
 * Ingress's namespace, or {@code namespace/name}), {@code auth-secret-type} ({@code auth-file}, the
 * default: key {@code auth} holds an htpasswd text; or {@code auth-map}: one key per user, the value
 * its hash) and {@code auth-realm}.
 *
 * <p>Fail closed: whenever a guard was asked for but cannot be checked (unknown {@code auth-type},
 * no {@code auth-secret}, missing Secret or key, undecodable data, no usable entry) the policy is
 * {@linkplain BasicAuthPolicy#broken broken}, its requests get 503, and a {@link Problem} names the
 * Ingress, the annotation and the Secret. Refused htpasswd lines are reported; the other lines
 * still work.
 */
public final class AuthPolicies {

  /** Annotation prefixes, the one that wins first. */
  public static final List<String> PREFIXES =
      List.of("bollard.dev/", "nginx.ingress.kubernetes.io/");

  static final String AUTH_FILE_KEY = "auth";

  private final ResourceStore store;
  private final List<Problem> problems;
  private final Map<RouteSource, Optional<BasicAuthPolicy>> byIngress = new HashMap<>();

  AuthPolicies(ResourceStore store, List<Problem> problems) {
    this.store = store;
    this.problems = problems;
  }

  /** The value of an annotation under either prefix, the {@code bollard.dev/} one first. */
  static @Nullable String annotation(Ingress ingress, String name) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    if (annotations == null) {
      return null;
    }
    for (String prefix : PREFIXES) {
      String value = annotations.get(prefix + name);
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return null;
  }

  /**
   * The Secret ({@code namespace/name}) an Ingress's auth annotations name, for relevance
   * filters: an event on that Secret must trigger a rebuild.
   */
  public static Optional<String> secretReference(Ingress ingress) {
    if (annotation(ingress, "auth-type") == null) {
      return Optional.empty();
    }
    String ref = annotation(ingress, "auth-secret");
    if (ref == null) {
      return Optional.empty();
    }
    return Optional.of(ref.contains("/") ? ref : ResourceStore.namespaceOf(ingress) + "/" + ref);
  }

  /** The policy of an Ingress's routes, or empty when it asks for none. Computed once. */
  Optional<BasicAuthPolicy> forIngress(Ingress ingress, RouteSource source) {
    return byIngress.computeIfAbsent(source, s -> Optional.ofNullable(read(ingress, s)));
  }

  private @Nullable BasicAuthPolicy read(Ingress ingress, RouteSource source) {
    String type = annotation(ingress, "auth-type");
    if (type == null) {
      return null;
    }
    String realm = Optional.ofNullable(annotation(ingress, "auth-realm"))
        .orElse(BasicAuthPolicy.DEFAULT_REALM);
    String origin = source.toString();
    if (!type.toLowerCase(Locale.ROOT).equals("basic")) {
      return broken(source, origin, realm, "auth-type",
          "auth-type " + type + " is not supported (expected: basic); requests get 503 until"
              + " it is changed or removed");
    }
    String ref = annotation(ingress, "auth-secret");
    if (ref == null) {
      return broken(source, origin, realm, "auth-secret",
          "auth-type basic needs auth-secret naming a Secret; requests get 503 until it is set");
    }
    String secretType = Optional.ofNullable(annotation(ingress, "auth-secret-type"))
        .orElse("auth-file");
    if (!secretType.equals("auth-file") && !secretType.equals("auth-map")) {
      return broken(source, origin, realm, "auth-secret-type",
          "auth-secret-type " + secretType + " is not supported (expected: auth-file or"
              + " auth-map); requests get 503");
    }
    int slash = ref.indexOf('/');
    String namespace = slash < 0 ? source.namespace() : ref.substring(0, slash);
    String name = slash < 0 ? ref : ref.substring(slash + 1);
    return fromSecret(store, namespace, name, secretType.equals("auth-map"), origin, realm,
        reason -> problems.add(new Problem(source, annotationField("auth-secret"), reason)),
        problem -> problems.add(new Problem(source, annotationField("auth-secret"),
            problem.toString() + "; this entry is ignored")));
  }

  private BasicAuthPolicy broken(
      RouteSource source, String origin, String realm, String annotation, String reason) {
    problems.add(new Problem(source, annotationField(annotation), reason));
    return BasicAuthPolicy.broken(origin, realm, reason);
  }

  private static String annotationField(String name) {
    return "metadata.annotations[" + PREFIXES.get(1) + name + "]";
  }

  /**
   * The settings with the global guard's policy resolved from its Secret; unchanged when no host
   * pattern is configured.
   */
  public static GlobalSettings resolveGlobal(
      GlobalSettings settings, ResourceStore store, List<Problem> problems) {
    AuthSettings auth = settings.auth();
    if (auth.hosts().isEmpty()) {
      return auth.policy() == null ? settings : settings.withAuth(auth.withPolicy(null));
    }
    String origin = "global config bollard-auth-secret";
    String secret = auth.secret();
    BasicAuthPolicy policy;
    if (secret == null || secret.indexOf('/') <= 0) {
      String reason = "bollard-auth-hosts is set but bollard-auth-secret is "
          + (secret == null ? "not" : "not namespace/name: " + secret)
          + "; the guarded hosts answer 503 until it names a Secret";
      problems.add(new Problem("global config", "bollard-auth-secret", reason));
      policy = BasicAuthPolicy.broken(origin, auth.realm(), reason);
    } else {
      int slash = secret.indexOf('/');
      policy = fromSecret(store, secret.substring(0, slash), secret.substring(slash + 1), false,
          origin, auth.realm(),
          reason -> problems.add(new Problem("global config", "bollard-auth-secret", reason)),
          problem -> problems.add(new Problem("global config", "bollard-auth-secret",
              problem.toString() + "; this entry is ignored")));
    }
    return settings.withAuth(auth.withPolicy(policy));
  }

  private static BasicAuthPolicy fromSecret(
      ResourceStore store,
      String namespace,
      String name,
      boolean authMap,
      String origin,
      String realm,
      java.util.function.Consumer<String> brokenReport,
      java.util.function.Consumer<CredentialProblem> entryReport) {
    String secretName = "Secret " + namespace + "/" + name;
    Optional<Secret> found = store.secret(namespace, name);
    if (found.isEmpty()) {
      String reason = secretName + " not found; requests get 503 until it exists";
      brokenReport.accept(reason);
      return BasicAuthPolicy.broken(origin, realm, reason);
    }
    Map<String, String> data;
    try {
      data = decode(found.get());
    } catch (IllegalArgumentException e) {
      String reason = secretName + " cannot be read (" + e.getMessage()
          + "); requests get 503 until it is fixed";
      brokenReport.accept(reason);
      return BasicAuthPolicy.broken(origin, realm, reason);
    }
    CredentialSet credentials;
    if (authMap) {
      credentials = Htpasswd.fromAuthMap(data, secretName);
    } else {
      String content = data.get(AUTH_FILE_KEY);
      if (content == null) {
        String reason = secretName + " has no key \"" + AUTH_FILE_KEY
            + "\" (auth-secret-type auth-file); requests get 503 until it is added";
        brokenReport.accept(reason);
        return BasicAuthPolicy.broken(origin, realm, reason);
      }
      credentials = Htpasswd.parse(content, secretName + " key " + AUTH_FILE_KEY);
    }
    credentials.problems().forEach(entryReport);
    if (credentials.isEmpty()) {
      String reason = secretName + " has no usable user entry; requests get 503 until it has one";
      brokenReport.accept(reason);
      return BasicAuthPolicy.broken(origin, realm, reason);
    }
    return BasicAuthPolicy.of(origin, realm, credentials);
  }

  /** {@code data} (base64) overlaid with {@code stringData} (manifest files may use either). */
  private static Map<String, String> decode(Secret secret) {
    Map<String, String> out = new TreeMap<>();
    if (secret.getData() != null) {
      for (Map.Entry<String, String> e : secret.getData().entrySet()) {
        byte[] bytes;
        try {
          bytes = Base64.getMimeDecoder().decode(e.getValue() == null ? "" : e.getValue());
        } catch (IllegalArgumentException bad) {
          throw new IllegalArgumentException("key " + e.getKey() + " is not valid base64");
        }
        try {
          out.put(e.getKey(), StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException bad) {
          throw new IllegalArgumentException("key " + e.getKey() + " is not UTF-8 text");
        }
      }
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> out.put(k, v == null ? "" : v));
    }
    return out;
  }
}
