package dev.bollard.proxy.tls;

import dev.bollard.proxy.clientcert.CaBundle;
import dev.bollard.proxy.config.ClientAuth;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsBinding;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds server {@link SslContext}s with one policy (TLS 1.2 and 1.3, forward-secret AEAD ciphers,
 * session resumption) and caches them per certificate content, so a Secret that did not change
 * keeps its context (and its session cache) across snapshots, and a changed one gets a new context
 * for new handshakes while open connections keep theirs.
 */
final class TlsContexts {

  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

  static final String HTTP_1_1 = "http/1.1";
  /** HTTP/2 over TLS; offered before {@code http/1.1} while {@code use-http2} is on. */
  static final String H2 = "h2";
  static final String ACME_TLS_1 = "acme-tls/1";

  /** TLS 1.3's AEAD suites, then ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2. */
  static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final SslProvider provider;
  private final ConcurrentHashMap<String, SslContext> bySecretContent = new ConcurrentHashMap<>();
  /**
   * Contexts that ask for a client certificate, per certificate (a binding's PEM texts, or the
   * default {@link CertifiedKey} itself) and CA bundle.
   */
  private final ConcurrentHashMap<ClientAuthKey, SslContext> askingClients =
      new ConcurrentHashMap<>();
  private volatile @Nullable RoutingSnapshot pruned;

  TlsContexts(SslProvider provider) {
    this.provider = provider;
  }

  /** OpenSSL (BoringSSL) when its native library loads, else the JDK. */
  static SslProvider detectProvider() {
    if (OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL)) {
      log.info("TLS by OpenSSL ({})", OpenSsl.versionString());
      return SslProvider.OPENSSL;
    }
    Throwable cause = OpenSsl.unavailabilityCause();
    log.info("TLS by the JDK (OpenSSL unavailable: {})",
        cause == null ? "no ALPN" : cause.getMessage());
    return SslProvider.JDK;
  }

  SslProvider provider() {
    return provider;
  }

  /**
   * The context for a binding's certificate, built on first use; its ALPN offers {@code h2} then
   * {@code http/1.1} when {@code http2}, else {@code http/1.1} only.
   *
   * @return {@code null} when the binding has no certificate or it cannot be used (logged once per
   *     content); the caller serves the default certificate
   */
  @Nullable SslContext forBinding(RoutingSnapshot snapshot, TlsBinding binding, boolean http2) {
    pruneFor(snapshot);
    String chain = binding.chainPem();
    String key = binding.keyPem();
    if (chain == null || key == null) {
      return null;
    }
    // The two ALPN variants of one certificate are two contexts (and two session caches).
    String cacheKey = (http2 ? "h2\0" : "h1\0") + chain + '\0' + key;
    SslContext cached = bySecretContent.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    try {
      CertifiedKey certified = CertifiedKey.parse(chain, key);
      SslContext built = http2 ? build(certified, H2, HTTP_1_1) : build(certified, HTTP_1_1);
      SslContext raced = bySecretContent.putIfAbsent(cacheKey, built);
      return raced != null ? raced : built;
    } catch (IllegalArgumentException | SSLException e) {
      log.warn("Secret {} (Ingress {}): certificate unusable for TLS, serving the default"
          + " certificate: {}", binding.secret(), binding.source(), e.getMessage());
      return null;
    }
  }

  /**
   * The context for a binding's certificate (or, for a {@code null} binding or one without a
   * certificate, {@code fallback}: the default certificate) that asks the client for a certificate
   * issued by {@code auth}'s CAs, built on first use.
   *
   * @return {@code null} when the binding's certificate cannot be used (the caller serves the
   *     default certificate, asking again) or the CA bundle cannot be read (logged; the caller
   *     serves a context that asks for nothing, and the host's step refuses the requests)
   */
  @Nullable SslContext askingClients(RoutingSnapshot snapshot, @Nullable TlsBinding binding,
      CertifiedKey fallback, ClientAuth auth, boolean http2) {
    pruneFor(snapshot);
    Object certificate = fallback;
    if (binding != null && binding.chainPem() != null && binding.keyPem() != null) {
      certificate = binding.chainPem() + '\0' + binding.keyPem();
    }
    ClientAuthKey cacheKey = new ClientAuthKey(certificate, auth.caPem(), http2);
    SslContext cached = askingClients.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    CertifiedKey certified = fallback;
    try {
      if (certificate instanceof String) {
        certified = CertifiedKey.parse(binding.chainPem(), binding.keyPem());
      }
    } catch (IllegalArgumentException e) {
      log.warn("Secret {} (Ingress {}): certificate unusable for TLS, serving the default"
          + " certificate: {}", binding.secret(), binding.source(), e.getMessage());
      return null;
    }
    try {
      CaBundle bundle = CaBundle.parse(auth.caPem(), null);
      SslContext built = http2
          ? build(certified, bundle, H2, HTTP_1_1) : build(certified, bundle, HTTP_1_1);
      SslContext raced = askingClients.putIfAbsent(cacheKey, built);
      return raced != null ? raced : built;
    } catch (IllegalArgumentException | SSLException e) {
      log.warn("Secret {} (auth-tls-secret of {}): CA bundle unusable, client certificates are"
          + " not asked for and the host's requests are refused: {}", auth.secret(), auth.source(),
          e.getMessage());
      return null;
    }
  }

  /** A context for a certificate offering the ALPN protocols {@code alpn}, in that order. */
  SslContext build(CertifiedKey certified, String... alpn) throws SSLException {
    return build(certified, null, alpn);
  }

  /**
   * A context for a certificate offering the ALPN protocols {@code alpn}, asking the client for a
   * certificate issued by {@code clientCas} when not {@code null} (optional at the TLS level: the
   * host's step decides, see {@link DeferredClientTrust}).
   */
  private SslContext build(CertifiedKey certified, @Nullable CaBundle clientCas, String... alpn)
      throws SSLException {
    SslContextBuilder builder = SslContextBuilder.forServer(certified.privateKey(),
        certified.chain().toArray(new java.security.cert.X509Certificate[0]));
    if (clientCas != null) {
      builder.clientAuth(io.netty.handler.ssl.ClientAuth.OPTIONAL)
          .trustManager(new DeferredClientTrust(clientCas.certificates()));
    }
    // OpenSSL's engines come reference-counted, without a finalizer each (see
    // ReleasedWhenUnreachable); the JDK's need neither.
    boolean openSsl = provider == SslProvider.OPENSSL || provider == SslProvider.OPENSSL_REFCNT;
    SslContext built = builder
        .sslProvider(openSsl ? SslProvider.OPENSSL_REFCNT : provider)
        // The key store is in memory only, to hand the key to the key manager: JKS protects its
        // key with a cheap scheme, PKCS12 (the default) with 10,000 rounds of PBKDF2 per context.
        .keyStoreType("JKS")
        .protocols(PROTOCOLS)
        .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .sessionCacheSize(10_000)
        .sessionTimeout(3600)
        .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
            SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, alpn))
        .build();
    return openSsl ? new ReleasedWhenUnreachable(built) : built;
  }

  /** Forgets contexts of certificates the new snapshot no longer names; once per snapshot. */
  private void pruneFor(RoutingSnapshot snapshot) {
    if (pruned == snapshot) {
      return;
    }
    pruned = snapshot;
    Set<String> live = new HashSet<>();
    for (TlsBinding binding : snapshot.tls().bindings()) {
      if (binding.chainPem() != null) {
        live.add("h1\0" + binding.chainPem() + '\0' + binding.keyPem());
        live.add("h2\0" + binding.chainPem() + '\0' + binding.keyPem());
      }
    }
    bySecretContent.keySet().retainAll(live);
    if (!askingClients.isEmpty()) {
      Set<String> cas = new HashSet<>();
      for (ClientAuth auth : snapshot.tls().clientAuth().values()) {
        cas.add(auth.caPem());
      }
      askingClients.keySet().removeIf(key -> !cas.contains(key.caPem())
          || (key.certificate() instanceof String pem && !live.contains(pem)));
    }
  }

  /**
   * A context asking for client certificates: the served certificate (PEM texts, or the default
   * {@link CertifiedKey}, compared by identity) and the CA bundle asked by.
   */
  private record ClientAuthKey(Object certificate, String caPem, boolean http2) {}
}
