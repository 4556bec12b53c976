package dev.bollard.controller.translate;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.proxy.clientcert.CaBundle;
import dev.bollard.proxy.config.ClientAuth;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.step.UpstreamRefused;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * ingress-nginx's client certificate annotations ({@code auth-tls-*}), read per Ingress and
 * applied per host, as ingress-nginx applies them to the host's server:
 *
 * <ul>
 *   <li>{@code auth-tls-secret} ({@code namespace/name}, any namespace, as ingress-nginx reads it)
 *       names a Secret with {@code ca.crt} (PEM CAs) and optionally {@code ca.crl} (PEM CRLs).
 *       Without it the other {@code auth-tls-*} annotations do nothing (a problem says so).
 *   <li>{@code auth-tls-verify-client}: {@code on} (default), {@code off}, {@code optional},
 *       {@code optional_no_ca}; another value is a problem and {@code on} applies (ingress-nginx's
 *       fallback). {@code auth-tls-verify-depth}: a whole number, default 1 (also for 0).
 *       {@code auth-tls-error-page}: an {@code http(s)://} URL or a path, where failures are
 *       redirected (302). {@code auth-tls-pass-certificate-to-upstream}: a boolean. {@code
 *       auth-tls-match-cn}: a regex (RE2, as every tenant regex) that must contain {@code CN=}, as
 *       ingress-nginx requires, else it is ignored with a problem.
 *   <li>The oldest Ingress naming a host with valid settings decides the host's client
 *       certificates, for every route of the host whichever Ingress it comes from (nginx checks
 *       them per server); a younger Ingress asking otherwise for the same host is a problem.
 *   <li>Fail closed: a Secret that is missing or unusable, a bad name, a regex RE2 cannot compile,
 *       or rules without host (whose certificate no SNI name can ask for) make the Ingress's
 *       routes answer 503 (ingress-nginx's "location denied") with a problem naming the Ingress,
 *       the annotation and the value.
 * </ul>
 */
public final class ClientCertAnnotations {

  static final String PREFIX = "nginx.ingress.kubernetes.io/";
  static final String SECRET = PREFIX + "auth-tls-secret";
  static final String VERIFY = PREFIX + "auth-tls-verify-client";
  static final String DEPTH = PREFIX + "auth-tls-verify-depth";
  static final String ERROR_PAGE = PREFIX + "auth-tls-error-page";
  static final String PASS = PREFIX + "auth-tls-pass-certificate-to-upstream";
  static final String MATCH_CN = PREFIX + "auth-tls-match-cn";
  private static final List<String> OTHERS = List.of(VERIFY, DEPTH, ERROR_PAGE, PASS, MATCH_CN);

  private final ResourceStore store;
  private final List<Problem> problems;
  /** Per Ingress: its settings, or why its routes are refused. */
  private final Map<RouteSource, Read> byIngress = new HashMap<>();
  private final Map<String, ClientAuth> byHost = new TreeMap<>();

  /**
   * Reads the annotations of {@code ours} (oldest first) and decides each host's settings.
   *
   * @param byName the Ingress resources by source
   */
  ClientCertAnnotations(List<CheckedIngress> ours, Map<RouteSource, Ingress> byName,
      ResourceStore store, List<Problem> problems) {
    this.store = store;
    this.problems = problems;
    for (CheckedIngress ingress : ours) {
      Read read = read(byName.get(ingress.source()), ingress.source());
      byIngress.put(ingress.source(), read);
      if (read.auth == null) {
        continue;
      }
      boolean hostless = ingress.paths().stream()
          .anyMatch(p -> p.hostPattern().equals(SnapshotTranslator.DEFAULT_SERVER));
      if (hostless) {
        problems.add(new Problem(ingress.source(), field(SECRET), "rules without host cannot"
            + " ask for client certificates (no TLS server name chooses them); their routes get"
            + " 503. Name the host in the rule."));
      }
      for (String host : ingress.hosts()) {
        ClientAuth owner = byHost.get(host);
        if (owner == null) {
          byHost.put(host, read.auth);
        } else if (!owner.equals(read.auth)) {
          problems.add(new Problem(ingress.source(), field(SECRET), "host " + host + ": ignored,"
              + " its client certificates are set by the older " + owner.source()
              + " (Secret " + owner.secret() + "), as ingress-nginx sets them per host. Give both"
              + " Ingresses the same auth-tls-* annotations, or remove these."));
        }
      }
    }
  }

  /** The Secret {@code auth-tls-secret} names, as {@code namespace/name}, for watch indexes. */
  public static Optional<String> secretReference(Ingress ingress) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    String ref = annotations == null ? null : annotations.get(SECRET);
    return ref == null || ref.isBlank() || ref.strip().indexOf('/') <= 0
        ? Optional.empty() : Optional.of(ref.strip());
  }

  /** Each host's client certificate settings, by host pattern. */
  Map<String, ClientAuth> byHost() {
    return byHost;
  }

  /**
   * The route, answering 503 when its Ingress's client certificate settings are broken or it is a
   * rule without host of an Ingress that asks for them.
   */
  Route apply(Route route, String hostPattern) {
    Read read = byIngress.get(route.source());
    if (read == null) {
      return route;
    }
    String refused = read.refused;
    if (refused == null && read.auth != null
        && hostPattern.equals(SnapshotTranslator.DEFAULT_SERVER)) {
      refused = "client certificates cannot be asked for on rules without host";
    }
    return refused == null ? route : route.withFeatures(List.of(new UpstreamRefused(refused)));
  }

  /** One Ingress's settings ({@code auth}), or why its routes are refused ({@code refused}). */
  private record Read(@Nullable ClientAuth auth, @Nullable String refused) {
    static final Read NONE = new Read(null, null);
  }

  private Read read(@Nullable Ingress ingress, RouteSource source) {
    Map<String, String> annotations =
        ingress == null ? null : ingress.getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      return Read.NONE;
    }
    String ref = annotations.get(SECRET);
    if (ref == null || ref.isBlank()) {
      for (String other : OTHERS) {
        if (annotations.containsKey(other)) {
          problems.add(new Problem(source, field(other), "ignored without " + SECRET
              + " (the Secret with ca.crt); add it to ask for client certificates"));
        }
      }
      return Read.NONE;
    }
    ref = ref.strip();
    int slash = ref.indexOf('/');
    if (slash <= 0 || slash == ref.length() - 1 || ref.indexOf('/', slash + 1) >= 0) {
      return refuse(source, SECRET, ref, "expected namespace/name, such as " + source.namespace()
          + "/client-ca");
    }
    Optional<Secret> secret = store.secret(ref.substring(0, slash), ref.substring(slash + 1));
    if (secret.isEmpty()) {
      return refuse(source, SECRET, ref, "Secret " + ref + " not found; create it with ca.crt"
          + " (the CAs that issue client certificates) and optionally ca.crl");
    }
    String ca = TlsTranslation.data(secret.get(), "ca.crt");
    if (ca == null || ca.isBlank()) {
      return refuse(source, SECRET, ref, "Secret " + ref + " has no ca.crt; add the PEM"
          + " certificates of the CAs that issue client certificates");
    }
    String crl = TlsTranslation.data(secret.get(), "ca.crl");
    crl = crl == null || crl.isBlank() ? null : crl;
    try {
      CaBundle.parse(ca, crl);
    } catch (IllegalArgumentException e) {
      return refuse(source, SECRET, ref, "Secret " + ref + ": " + e.getMessage() + "; fix it");
    }
    ClientAuth.Verify verify = ClientAuth.Verify.ON;
    String verifyValue = annotations.get(VERIFY);
    if (verifyValue != null) {
      ClientAuth.Verify parsed = ClientAuth.Verify.parse(verifyValue.strip());
      if (parsed == null) {
        problems.add(new Problem(source, field(VERIFY), "\"" + verifyValue + "\": expected on,"
            + " off, optional or optional_no_ca; on applies (as in ingress-nginx)"));
      } else {
        verify = parsed;
      }
    }
    int depth = 1;
    String depthValue = annotations.get(DEPTH);
    if (depthValue != null) {
      try {
        depth = AnnotationValues.count(depthValue, 100);
        depth = depth == 0 ? 1 : depth;
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(source, field(DEPTH), "\"" + depthValue + "\": "
            + e.getMessage() + "; the default 1 applies"));
      }
    }
    String errorPage = errorPage(annotations.get(ERROR_PAGE), source);
    boolean pass = false;
    String passValue = annotations.get(PASS);
    if (passValue != null) {
      try {
        pass = AnnotationValues.bool(passValue);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(source, field(PASS), "\"" + passValue + "\": " + e.getMessage()
            + "; the certificate is not passed"));
      }
    }
    String matchCn = annotations.get(MATCH_CN);
    if (matchCn != null) {
      matchCn = matchCn.strip();
      if (!matchCn.contains("CN=")) {
        problems.add(new Problem(source, field(MATCH_CN), "\"" + matchCn + "\": ignored, the"
            + " expression must contain CN= (as ingress-nginx requires), such as CN=(alice|bob)"));
        matchCn = null;
      } else {
        try {
          Pattern.compile(matchCn);
        } catch (PatternSyntaxException e) {
          return refuse(source, MATCH_CN, matchCn, "not a regular expression RE2 accepts ("
              + e.getDescription() + "); fix it");
        }
      }
    }
    return new Read(new ClientAuth(source, ref, ca, crl, verify, depth, errorPage, pass, matchCn),
        null);
  }

  private @Nullable String errorPage(@Nullable String value, RouteSource source) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String page = value.strip();
    boolean url = page.startsWith("https://") || page.startsWith("http://");
    boolean clean = page.chars().noneMatch(c -> c <= ' ' || c == 0x7f);
    if ((url || page.startsWith("/")) && clean) {
      return page;
    }
    problems.add(new Problem(source, field(ERROR_PAGE), "\"" + value + "\": expected an http(s)"
        + " URL or a path without spaces; failures are answered 400 instead"));
    return null;
  }

  private Read refuse(RouteSource source, String annotation, String value, String reason) {
    problems.add(new Problem(source, field(annotation), "\"" + value + "\": " + reason
        + ". Until then the Ingress's requests get 503."));
    return new Read(null, "this Ingress's client certificate settings are broken, see its"
        + " problems");
  }

  private static String field(String annotation) {
    return "metadata.annotations[" + annotation + "]";
  }
}
