package dev.bollard.proxy.tls;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.clientcert.HandshakeCertificate;
import dev.bollard.proxy.config.ClientAuth;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.RoutingSnapshot;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.guard.Http01Answers;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.step.ClientCertificate;
import dev.bollard.proxy.step.StepChain;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS and ACME at the edge, for one proxy server: the HTTPS listener's address and certificate
 * choice, the default certificate, and where ACME HTTP-01 answers come from.
 *
 * <p>Certificates are chosen per handshake from the snapshot current at that moment: exact SNI
 * host, then a {@code *.} wildcard, else the default certificate; a handshake offering ALPN {@code
 * acme-tls/1} for a host with a pending TLS-ALPN-01 challenge gets the challenge certificate. A
 * Secret that changes reaches new handshakes only; open connections keep the context they began
 * with.
 *
 * <p>Each listener of the proxy server has a {@link Listener}: its pipeline initializer adds the
 * listener's TLS steps. What requests get from the edge (ACME HTTP-01 answers, the redirect to
 * HTTPS, {@code X-Forwarded-Proto}) is done by the route's steps and the upstream head, from {@link
 * #http01()} and {@link #redirectPort()}.
 */
public final class EdgeTls {

  private static final Logger log = LoggerFactory.getLogger(EdgeTls.class);

  /** The SNI name the client sent in its ClientHello, for the access log. */
  static final AttributeKey<String> SERVER_NAME = AttributeKey.valueOf("bollard.tls.sni");

  /** The context the connection's handshake was given, for {@link Listener#servesAlike}. */
  static final AttributeKey<SslContext> CONTEXT = AttributeKey.valueOf("bollard.tls.context");

  /**
   * What the handshake established about client certificates; set on connections with an SNI name
   * or a certificate request only.
   */
  static final AttributeKey<HandshakeCertificate> CLIENT_CERTIFICATE =
      AttributeKey.valueOf("bollard.tls.client-certificate");

  /** No HTTPS listener and no ACME challenges. */
  public static final EdgeTls NONE = builder().build();

  private final @Nullable InetSocketAddress httpsBind;
  private final int redirectPort;
  private final Http01Answers http01;
  private final TlsAlpnAnswers tlsAlpn01;
  private final @Nullable TlsContexts contexts;
  /**
   * The default certificate and its contexts: at first the generated one, made on a thread of its
   * own while the process goes on starting (key generation, signing and two contexts are about a
   * third of a second of a cold JVM's start); then whatever {@link #setDefaultCertificate} set.
   */
  private final AtomicReference<CompletableFuture<Default>> defaultCertificate =
      new AtomicReference<>();

  private EdgeTls(Builder builder) {
    this.httpsBind = builder.httpsBind;
    this.redirectPort = builder.redirectPort;
    this.http01 = builder.http01;
    this.tlsAlpn01 = builder.tlsAlpn01;
    if (httpsBind == null) {
      this.contexts = null;
    } else {
      TlsContexts built = new TlsContexts(
          builder.provider != null ? builder.provider : TlsContexts.detectProvider());
      this.contexts = built;
      if (builder.defaultCertificate != null) {
        defaultCertificate.set(
            CompletableFuture.completedFuture(newDefault(built, builder.defaultCertificate)));
      } else {
        defaultCertificate.set(generatedDefault(built));
      }
    }
  }

  /** Makes the generated default certificate and its contexts on a thread of its own. */
  private static CompletableFuture<Default> generatedDefault(TlsContexts contexts) {
    CompletableFuture<Default> made = new CompletableFuture<>();
    Thread maker = new Thread(() -> {
      try {
        made.complete(newDefault(contexts,
            CertifiedKey.selfSigned("Bollard default certificate", Duration.ofDays(365))));
      } catch (RuntimeException | Error e) {
        made.completeExceptionally(e);
      }
    }, "bollard-default-certificate");
    maker.setDaemon(true);
    maker.start();
    return made;
  }

  /** Starts an edge; without {@link Builder#https} there is no HTTPS listener. */
  public static Builder builder() {
    return new Builder();
  }

  /** Where the HTTPS listener binds, or {@code null} for none. */
  public @Nullable InetSocketAddress httpsBind() {
    return httpsBind;
  }

  /** Where HTTP-01 answers come from. */
  public Http01Answers http01() {
    return http01;
  }

  /** The port clients reach HTTPS on, for redirect locations. */
  public int redirectPort() {
    return redirectPort;
  }

  /** The TLS implementation in use ({@code OPENSSL} or {@code JDK}); empty without HTTPS. */
  public Optional<SslProvider> provider() {
    return Optional.ofNullable(contexts).map(TlsContexts::provider);
  }

  /**
   * The certificate served to hosts without one of their own; waits for the generated one if it
   * is still being made.
   *
   * @throws IllegalStateException without an HTTPS listener, or if the default certificate could
   *     not be made (the message says why)
   */
  public CertifiedKey defaultCertificate() {
    return currentDefault().certificate();
  }

  private Default currentDefault() {
    CompletableFuture<Default> current = defaultCertificate.get();
    if (current == null) {
      throw new IllegalStateException("no HTTPS listener configured");
    }
    try {
      return current.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause
          ? cause : new IllegalStateException(e.getCause());
    }
  }

  /**
   * Replaces the default certificate for new handshakes (a changed {@code
   * --default-ssl-certificate} Secret).
   *
   * @throws IllegalStateException without an HTTPS listener
   * @throws IllegalArgumentException if no TLS context can be built from it
   */
  public void setDefaultCertificate(CertifiedKey certificate) {
    TlsContexts built = contexts;
    if (built == null) {
      throw new IllegalStateException("no HTTPS listener configured");
    }
    defaultCertificate.set(CompletableFuture.completedFuture(
        newDefault(built, Objects.requireNonNull(certificate, "certificate"))));
  }

  private static Default newDefault(TlsContexts contexts, CertifiedKey certificate) {
    try {
      return new Default(certificate, contexts.build(certificate, TlsContexts.HTTP_1_1),
          contexts.build(certificate, TlsContexts.H2, TlsContexts.HTTP_1_1));
    } catch (SSLException e) {
      throw new IllegalArgumentException("default certificate unusable: " + e.getMessage(), e);
    }
  }

  /**
   * One listener's side of the edge: the steps its pipelines get when {@code secure} (see {@link
   * Listener}), and what its request handler answers or marks. Shared by the listener's
   * connections: a connection holds it through its request handler, not as a channel attribute.
   */
  public Listener listener(boolean secure, CurrentRoutes routes) {
    return listener(secure, routes, Handshakes.NONE);
  }

  /** {@link #listener(boolean, CurrentRoutes)} telling {@code handshakes} how each one ended. */
  public Listener listener(boolean secure, CurrentRoutes routes, Handshakes handshakes) {
    return listener(secure, routes, handshakes, Passthrough.NONE);
  }

  /**
   * {@link #listener(boolean, CurrentRoutes, Handshakes)} handing the connections whose SNI name
   * the snapshot passes through ({@code TlsSettings.passthrough}) to {@code passthrough} instead of
   * terminating them.
   */
  public Listener listener(
      boolean secure, CurrentRoutes routes, Handshakes handshakes, Passthrough passthrough) {
    if (secure && contexts == null) {
      throw new IllegalStateException("secure listener without an HTTPS configuration");
    }
    return new Listener(this, secure, routes, Objects.requireNonNull(handshakes, "handshakes"),
        Objects.requireNonNull(passthrough, "passthrough"));
  }

  /**
   * Takes over an HTTPS connection whose ClientHello names a host the snapshot passes through
   * (SSL passthrough): from then on its bytes, the ClientHello first, go to the backend untouched.
   * Called on the connection's event loop, from the {@code tls-hello} step, which the callee
   * replaces; the bytes that step read arrive at its replacement.
   */
  @FunctionalInterface
  public interface Passthrough {
    /** No passthrough: every connection is terminated; the snapshot's hosts are not looked at. */
    Passthrough NONE = (hello, backend, serverName) -> {
      throw new IllegalStateException("no SSL passthrough on this listener");
    };

    /**
     * Relays the connection of {@code hello} (the {@code tls-hello} step's context) to {@code
     * backend}; {@code serverName} is the SNI name that chose it.
     */
    void relay(ChannelHandlerContext hello, Backend backend, String serverName);
  }

  /**
   * Hears how each TLS handshake with a client ended (the metrics count them): success, or failure
   * (no common protocol or cipher, not TLS at all, the client gave up). Called on the connection's
   * event loop; must not block.
   */
  @FunctionalInterface
  public interface Handshakes {
    /** Counts nothing. */
    Handshakes NONE = success -> {};

    /** A handshake finished. */
    void finished(boolean success);
  }

  /**
   * Records the connection's TLS version and SNI name in the request's log facts; nothing for
   * plain HTTP.
   */
  public static void describe(Channel channel, RequestFacts facts) {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl != null) {
      String sni = channel.attr(SERVER_NAME).get();
      facts.tls(ssl.engine().getSession().getProtocol(), sni == null ? "" : sni);
    }
  }

  /**
   * What the connection's TLS handshake established about client certificates: {@link
   * HandshakeCertificate#PLAIN} without TLS, {@link HandshakeCertificate#UNNAMED} for a handshake
   * without SNI that asked for none.
   */
  public static HandshakeCertificate clientCertificate(Channel channel, boolean secure) {
    if (!secure) {
      return HandshakeCertificate.PLAIN;
    }
    HandshakeCertificate established = channel.attr(CLIENT_CERTIFICATE).get();
    return established != null ? established : HandshakeCertificate.UNNAMED;
  }

  /**
   * The context for a handshake (see the class comment for the order), asking for a client
   * certificate by {@code clientAuth} when not {@code null}; its ALPN offers {@code h2} while the
   * snapshot's {@code use-http2} is on.
   */
  SslContext contextFor(ClientHello hello, CurrentRoutes routes, @Nullable ClientAuth clientAuth) {
    TlsContexts built = Objects.requireNonNull(contexts, "contexts");
    String host = hello.serverName();
    if (host != null && hello.protocols().contains(TlsContexts.ACME_TLS_1)) {
      Optional<CertifiedKey> challenge = tlsAlpn01.certificateFor(host);
      if (challenge.isPresent()) {
        try {
          return built.build(challenge.get(), TlsContexts.ACME_TLS_1);
        } catch (SSLException e) {
          log.warn("TLS-ALPN-01 challenge certificate for {} unusable: {}", host, e.getMessage());
        }
      }
    }
    RoutingSnapshot snapshot = routes.table().snapshot();
    boolean http2 = snapshot.settings().http2().enabled();
    if (host != null && clientAuth != null) {
      Default fallback = currentDefault();
      SslContext asking = built.askingClients(snapshot,
          snapshot.tls().bindingFor(host).orElse(null), fallback.certificate(), clientAuth, http2);
      if (asking == null) {
        asking = built.askingClients(snapshot, null, fallback.certificate(), clientAuth, http2);
      }
      if (asking != null) {
        return asking;
      }
    }
    if (host != null) {
      Optional<TlsBinding> binding = snapshot.tls().bindingFor(host);
      if (binding.isPresent()) {
        SslContext context = built.forBinding(snapshot, binding.get(), http2);
        if (context != null) {
          return context;
        }
      }
    }
    Default current = currentDefault();
    return http2 ? current.http2() : current.http1();
  }

  /** The default certificate's two contexts: ALPN {@code http/1.1} only, or {@code h2} first. */
  private record Default(CertifiedKey certificate, SslContext http1, SslContext http2) {}

  /**
   * One listener's view of the edge: whether it terminates TLS and its TLS pipeline steps. One per
   * listener, shared by its connections.
   */
  public static final class Listener {
    private final EdgeTls edge;
    private final boolean secure;
    private final CurrentRoutes routes;
    private final Handshakes handshakes;
    private final Passthrough passthrough;

    private Listener(EdgeTls edge, boolean secure, CurrentRoutes routes, Handshakes handshakes,
        Passthrough passthrough) {
      this.edge = edge;
      this.secure = secure;
      this.routes = routes;
      this.handshakes = handshakes;
      this.passthrough = passthrough;
    }

    /** Whether this listener terminates TLS. */
    public boolean secure() {
      return secure;
    }

    /**
     * The first TLS step of a connection ({@code tls-hello}: certificate choice, then the TLS
     * handler in its place), to go right after the PROXY protocol step if any; {@code null} on a
     * plain listener.
     */
    public @Nullable ChannelHandler helloStep() {
      return secure ? new CertificateChooser(this) : null;
    }

    /**
     * The step that adds {@code Strict-Transport-Security} to responses ({@code hsts}), to go
     * right after the HTTP codec; {@code null} on a plain listener.
     */
    public @Nullable ChannelHandler hstsStep() {
      return secure ? new HstsHeaders(routes) : null;
    }

    SslContext contextFor(ClientHello hello, @Nullable ClientAuth clientAuth) {
      return edge.contextFor(hello, routes, clientAuth);
    }

    /** Whether any host of the current snapshot has client-certificate settings. */
    boolean anyClientAuth() {
      return !routes.table().snapshot().tls().clientAuth().isEmpty();
    }

    /**
     * The client-certificate settings a handshake for {@code serverName} asks by, or null: those
     * of the host routing picks for that name (an exact host before a wildcard, as for requests),
     * read from the step its chains carry, so the handshake and the step agree.
     */
    @Nullable ClientAuth clientAuthFor(String serverName) {
      StepChain chain = routes.table().match(serverName, "/").steps();
      for (int i = 0; i < chain.size(); i++) {
        if (chain.step(i) instanceof ClientCertificate step) {
          return step.auth().requestsCertificate() ? step.auth() : null;
        }
      }
      return null;
    }

    Handshakes handshakes() {
      return handshakes;
    }

    Passthrough passthrough() {
      return passthrough;
    }

    /**
     * Whether a request for {@code host} may be served on {@code connection}, a TLS connection of
     * this listener that the client reuses for another host than the one it named (HTTP/2
     * connection reuse, RFC 9113 section 9.1.1): only if a handshake naming {@code host} now would
     * get the very context the connection got (the same certificate, the same client-certificate
     * request, and whatever else the context carries), else the request is answered 421 and the
     * client opens a connection of its own. {@code host} is lower case, without port.
     */
    public boolean servesAlike(Channel connection, String host) {
      SslContext had = connection.attr(CONTEXT).get();
      if (had == null) {
        return false;
      }
      String named = connection.attr(SERVER_NAME).get();
      if (host.equals(named)) {
        return true;
      }
      return contextFor(new ClientHello(host, java.util.List.of()), clientAuthFor(host)) == had;
    }

    /** The backend connections naming {@code serverName} are relayed to, or {@code null}. */
    @Nullable Backend passthroughFor(String serverName) {
      // One hash probe on the snapshot's map (empty unless --enable-ssl-passthrough).
      return passthrough == Passthrough.NONE
          ? null : routes.table().snapshot().tls().passthrough().get(serverName);
    }
  }

  /** Builder for {@link EdgeTls}. */
  public static final class Builder {
    private @Nullable InetSocketAddress httpsBind;
    private int redirectPort = 443;
    private Http01Answers http01 = Http01Answers.NONE;
    private TlsAlpnAnswers tlsAlpn01 = TlsAlpnAnswers.NONE;
    private @Nullable CertifiedKey defaultCertificate;
    private @Nullable SslProvider provider;

    private Builder() {}

    /** Serve HTTPS on {@code bind} (port 0 picks a free one). */
    public Builder https(InetSocketAddress bind) {
      this.httpsBind = Objects.requireNonNull(bind, "bind");
      return this;
    }

    /**
     * The port in redirect locations: what clients reach HTTPS on (443 behind a Service even when
     * the listener is 8443). Default 443.
     */
    public Builder redirectPort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("redirectPort: " + port + " (expected: 1-65535)");
      }
      this.redirectPort = port;
      return this;
    }

    /** Where HTTP-01 answers come from; default none. */
    public Builder http01(Http01Answers answers) {
      this.http01 = Objects.requireNonNull(answers, "answers");
      return this;
    }

    /** Where TLS-ALPN-01 challenge certificates come from; default none. */
    public Builder tlsAlpn01(TlsAlpnAnswers answers) {
      this.tlsAlpn01 = Objects.requireNonNull(answers, "answers");
      return this;
    }

    /** The initial default certificate; default: a self-signed one generated now. */
    public Builder defaultCertificate(CertifiedKey certificate) {
      this.defaultCertificate = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /** Forces a TLS implementation (tests); default: OpenSSL when it loads, else the JDK. */
    public Builder provider(SslProvider value) {
      this.provider = Objects.requireNonNull(value, "provider");
      return this;
    }

    /** Builds the edge (generating the default certificate if none was given). */
    public EdgeTls build() {
      return new EdgeTls(this);
    }
  }
}
