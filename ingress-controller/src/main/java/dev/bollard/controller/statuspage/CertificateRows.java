package dev.bollard.controller.statuspage;

import dev.bollard.proxy.config.TlsBinding;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * The certificates the snapshot serves, one row per {@code spec.tls} binding: hosts, where the
 * certificate comes from, issuer, expiry and days left. Only the leaf certificate's public fields
 * are read; the key is never touched.
 */
final class CertificateRows {

  /** Days left under which the page warns. */
  static final long WARN_DAYS = 14;

  private record Leaf(String issuer, Instant notAfter) {}

  // Parsed once per distinct chain: the page refreshes every few seconds.
  private final Map<String, Leaf> parsed = new ConcurrentHashMap<>();

  List<Map<String, Object>> rows(List<TlsBinding> bindings, Instant now) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (TlsBinding b : bindings) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("hosts", b.hosts());
      row.put("ingress", b.source().namespace() + "/" + b.source().name());
      row.put("source", b.acme() ? "ACME (Secret " + b.secret() + ")" : "Secret " + b.secret());
      Leaf leaf = b.chainPem() == null ? null : leaf(b.chainPem());
      if (leaf == null) {
        row.put("issuer", null);
        row.put("notAfter", null);
        row.put("daysLeft", null);
        row.put("warning", b.acme() ? "not issued yet" : "no usable certificate");
      } else {
        long days = Duration.between(now, leaf.notAfter()).toDays();
        row.put("issuer", leaf.issuer());
        row.put("notAfter", leaf.notAfter().toString());
        row.put("daysLeft", days);
        row.put("warning", days < 0 ? "expired"
            : days < WARN_DAYS ? "expires in " + days + " days" : null);
      }
      out.add(row);
    }
    parsed.keySet().retainAll(bindings.stream().map(TlsBinding::chainPem).toList());
    return out;
  }

  private @Nullable Leaf leaf(String pem) {
    Leaf known = parsed.get(pem);
    if (known != null) {
      return known;
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      X509Certificate cert = (X509Certificate) factory.generateCertificate(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      Leaf leaf = new Leaf(commonName(cert.getIssuerX500Principal()),
          cert.getNotAfter().toInstant());
      parsed.put(pem, leaf);
      return leaf;
    } catch (CertificateException | RuntimeException e) {
      return null;
    }
  }

  private static String commonName(X500Principal principal) {
    String name = principal.getName(X500Principal.RFC2253);
    for (String part : name.split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return name;
  }
}
