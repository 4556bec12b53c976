package dev.bollard.proxy.upstream;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.UpstreamTls;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.tls.CertifiedKey;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.IDN;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The client {@link SslContext} of each {@link UpstreamTls} in use, built on first use and kept
 * until a snapshot no longer names it: one context per distinct configuration, shared by every
 * event loop, so a handshake never parses a certificate and a Secret that did not change keeps its
 * context (and its session cache, for resumption) across snapshots.
 */
final class UpstreamTlsContexts {

  private final ConcurrentHashMap<UpstreamTls, SslContext> contexts = new ConcurrentHashMap<>();
  private volatile @Nullable RoutingSnapshot pruned;

  /**
   * A handler for one new connection to {@code host:port}: the name checked and sent as the
   * configuration says.
   *
   * @throws SSLException when the configuration's certificates cannot be used (the translator
   *     checked them, so this is unexpected; the connection attempt fails)
   */
  SslHandler newHandler(UpstreamTls tls, ByteBufAllocator alloc, String host, int port,
      long handshakeTimeoutMillis) throws SSLException {
    return newHandler(tls, alloc, host, port, handshakeTimeoutMillis, false);
  }

  /**
   * As {@link #newHandler(UpstreamTls, ByteBufAllocator, String, int, long)}; with {@code http2}
   * the handshake offers only {@code h2} through ALPN. Set on the engine, not the context, so one
   * context serves HTTP/1.1 and HTTP/2 backends with the same settings.
   */
  SslHandler newHandler(UpstreamTls tls, ByteBufAllocator alloc, String host, int port,
      long handshakeTimeoutMillis, boolean http2) throws SSLException {
    SslContext context = contexts.get(tls);
    if (context == null) {
      context = build(tls);
      SslContext raced = contexts.putIfAbsent(tls, context);
      context = raced != null ? raced : context;
    }
    // The engine's peer host is the name to check: the JDK verifies the certificate against it.
    String peer = tls.serverName().isEmpty() ? host : tls.serverName();
    SslHandler handler = context.newHandler(alloc, peer, port);
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    if (tls.sni() && isHostName(peer)) {
      parameters.setServerNames(List.of(new SNIHostName(IDN.toASCII(peer))));
    } else {
      parameters.setServerNames(List.of());
    }
    if (tls.verify()) {
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
    }
    if (http2) {
      parameters.setApplicationProtocols(new String[] {"h2"});
    }
    engine.setSSLParameters(parameters);
    handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeoutMillis));
    return handler;
  }

  /** Forgets the contexts of configurations {@code snapshot} no longer names; once per snapshot. */
  void pruneFor(RoutingSnapshot snapshot) {
    if (pruned == snapshot) {
      return;
    }
    pruned = snapshot;
    Set<UpstreamTls> live = new HashSet<>();
    for (VirtualHost host : snapshot.virtualHosts()) {
      for (Route route : host.routes()) {
        addTls(route.backend(), live);
        for (var feature : route.features()) {
          feature.backends().forEach(b -> addTls(b, live));
        }
      }
    }
    Backend fallback = snapshot.defaultBackend();
    if (fallback != null) {
      addTls(fallback, live);
    }
    contexts.keySet().retainAll(live);
  }

  private static void addTls(Backend backend, Set<UpstreamTls> live) {
    if (backend.tls() != null) {
      live.add(backend.tls());
    }
  }

  static SslContext build(UpstreamTls tls) throws SSLException {
    SslContextBuilder builder = SslContextBuilder.forClient()
        // The JDK's engine: hostname checks and SNI are set per connection through SSLParameters.
        // Netty's OpenSSL engine was tried: it sends the peer host as SNI even when told not to,
        // and reports failed verifications as "General OpenSslEngine problem".
        .sslProvider(SslProvider.JDK)
        .protocols(tls.protocols())
        .trustManager(trust(tls));
    if (tls.clientChainPem() != null && tls.clientKeyPem() != null) {
      CertifiedKey client;
      try {
        client = CertifiedKey.parse(tls.clientChainPem(), tls.clientKeyPem());
      } catch (IllegalArgumentException e) {
        throw new SSLException("client certificate of Secret " + tls.secret() + ": "
            + e.getMessage(), e);
      }
      builder.keyManager(client.privateKey(), client.chain().toArray(new X509Certificate[0]));
    }
    return builder.build();
  }

  private static TrustManager trust(UpstreamTls tls) throws SSLException {
    if (!tls.verify()) {
      return InsecureTrustManagerFactory.INSTANCE.getTrustManagers()[0];
    }
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (tls.trustedCaPem() == null) {
        factory.init((KeyStore) null);
      } else {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int i = 0;
        for (X509Certificate ca : CertifiedKey.certificates(tls.trustedCaPem())) {
          anchors.setCertificateEntry("ca-" + i++, ca);
        }
        factory.init(anchors);
      }
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          return new DepthLimitedTrust(x509, tls.verifyDepth());
        }
      }
      throw new SSLException("no X.509 trust manager in the JDK");
    } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
      throw new SSLException("trusted CA certificates of Secret " + tls.secret() + ": "
          + e.getMessage(), e);
    }
  }

  /** A name SNI may carry: not an IP literal. */
  private static boolean isHostName(String name) {
    if (name.isEmpty() || name.indexOf(':') >= 0) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.') {
        return true;
      }
    }
    return false;
  }
}
