package dev.bollard.controller.certs;

import dev.bollard.acme.CertificateBundle;
import dev.bollard.acme.CertificateEvents;
import dev.bollard.acme.RenewalState;
import dev.bollard.controller.status.CertificateView;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.config.TlsSettings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The certificates for the status page. After each rebuild: one entry per Secret the HTTPS
 * listener binds, plus the default certificate, with the stored order history of the ones Bollard
 * orders; order outcomes heard in between update that history at once. Chains are parsed once per
 * distinct chain; keys are never read.
 */
final class CertificateReport implements CertificateEvents {

  /** The default certificate as served now. */
  record Default(X509Certificate leaf, String storedIn) {}

  private final Clock clock;
  /** Rebuild thread only. */
  private Map<String, Leaf> leafByChain = Map.of();
  private volatile List<CertificateView> rebuilt = List.of();
  /** Outcomes heard since, by certificate name: newer than storage until the next rebuild. */
  private final Map<String, RenewalState> heard = new ConcurrentHashMap<>();

  CertificateReport(Clock clock) {
    this.clock = clock;
  }

  /**
   * Takes the certificates of a rebuild; call on the rebuild thread.
   *
   * @param ordered the names Bollard orders (ACME)
   * @param history the stored order history of an ordered name
   * @param storedIn where an ordered name is kept (a file, a Secret)
   */
  void rebuilt(TlsSettings tls, Set<String> ordered,
      Function<String, Optional<RenewalState>> history, Function<String, String> storedIn,
      @Nullable Default defaultCertificate) {
    Map<String, TreeSet<String>> hostsBySecret = new TreeMap<>();
    Map<String, String> chainBySecret = new HashMap<>();
    Map<String, Boolean> acmeBySecret = new HashMap<>();
    for (TlsBinding binding : tls.bindings()) {
      hostsBySecret.computeIfAbsent(binding.secret(), s -> new TreeSet<>()).addAll(binding.hosts());
      acmeBySecret.merge(binding.secret(), binding.acme(), Boolean::logicalOr);
      if (binding.chainPem() != null) {
        chainBySecret.putIfAbsent(binding.secret(), binding.chainPem());
      }
    }
    Map<String, Leaf> parsed = new HashMap<>();
    List<CertificateView> views = new ArrayList<>();
    if (defaultCertificate != null) {
      X509Certificate leaf = defaultCertificate.leaf();
      views.add(new CertificateView("default", List.of(), "default",
          defaultCertificate.storedIn(), true, leaf.getIssuerX500Principal().getName(),
          leaf.getNotAfter().toInstant(), null, null, 0, null));
    }
    hostsBySecret.forEach((secret, hosts) -> {
      String chain = chainBySecret.get(secret);
      @Nullable Leaf leaf = chain == null ? null : parsed.computeIfAbsent(chain, this::leaf);
      boolean acme = acmeBySecret.getOrDefault(secret, false);
      RenewalState state = acme && ordered.contains(secret)
          ? history.apply(secret).orElse(RenewalState.NONE) : RenewalState.NONE;
      views.add(new CertificateView(secret, List.copyOf(hosts), acme ? "acme" : "secret",
          acme ? storedIn.apply(secret) : "Secret " + secret, leaf != null,
          leaf == null ? null : leaf.issuer(), leaf == null ? null : leaf.notAfter(),
          state.lastAttempt(), state.nextAttempt(), state.failures(), state.lastError()));
    });
    leafByChain = parsed;
    heard.keySet().retainAll(ordered);
    rebuilt = List.copyOf(views);
  }

  /** The certificates now: the last rebuild's, with the order outcomes heard since. */
  List<CertificateView> view() {
    List<CertificateView> out = new ArrayList<>();
    for (CertificateView view : rebuilt) {
      RenewalState latest = heard.get(view.name());
      if (latest != null && "acme".equals(view.source())
          && !isBefore(latest.lastAttempt(), view.lastOrder())) {
        view = new CertificateView(view.name(), view.hosts(), view.source(), view.storedIn(),
            view.serving(), view.issuer(), view.notAfter(), latest.lastAttempt(),
            latest.nextAttempt(), latest.failures(), latest.lastError());
      }
      out.add(view);
    }
    return out;
  }

  @Override
  public void issued(String name, CertificateBundle bundle, OrderReason reason) {
    heard.put(name, RenewalState.succeeded(clock.instant()));
  }

  @Override
  public void failed(String name, Set<String> hosts, OrderReason reason, String error,
      int failures, Instant nextAttempt) {
    heard.put(name, new RenewalState(clock.instant(), failures, nextAttempt, error));
  }

  private static boolean isBefore(@Nullable Instant a, @Nullable Instant b) {
    return a == null ? b != null : b != null && a.isBefore(b);
  }

  private @Nullable Leaf leaf(String chainPem) {
    Leaf known = leafByChain.get(chainPem);
    if (known != null) {
      return known;
    }
    try {
      X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(chainPem.getBytes(StandardCharsets.US_ASCII)));
      return new Leaf(leaf.getIssuerX500Principal().getName(), leaf.getNotAfter().toInstant());
    } catch (CertificateException | RuntimeException e) {
      // The translator checked it; should it not parse, the entry shows no issuer.
      return null;
    }
  }

  private record Leaf(String issuer, Instant notAfter) {}
}
