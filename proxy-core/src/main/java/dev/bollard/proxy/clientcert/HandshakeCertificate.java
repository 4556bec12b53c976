package dev.bollard.proxy.clientcert;

import dev.bollard.proxy.config.ClientAuth;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/**
 * What one TLS connection's handshake established about client certificates: the SNI name, the
 * client-certificate settings the handshake asked by ({@code null} when it asked for none), and the
 * certificate's verification, made once on first use and kept for the connection (a resumed
 * session is verified again: its certificate may have expired or been revoked since). Only the
 * connection's event loop touches it.
 */
public final class HandshakeCertificate {

  /** A plain HTTP connection: no handshake, no certificate. */
  public static final HandshakeCertificate PLAIN = new HandshakeCertificate(null, null, null);

  /** A TLS connection without SNI whose handshake asked for no certificate. */
  public static final HandshakeCertificate UNNAMED = new HandshakeCertificate(null, null, null);

  private final @Nullable String serverName;
  private final @Nullable ClientAuth requested;
  private final @Nullable SSLEngine engine;
  private @Nullable Verification verification;
  private @Nullable CaBundle verifiedWith;

  private HandshakeCertificate(@Nullable String serverName, @Nullable ClientAuth requested,
      @Nullable SSLEngine engine) {
    this.serverName = serverName;
    this.requested = requested;
    this.engine = engine;
  }

  /**
   * A TLS connection whose handshake, for {@code serverName}, asked for a client certificate by
   * {@code requested} ({@code null}: asked for none) on {@code engine}.
   */
  public static HandshakeCertificate of(@Nullable String serverName,
      @Nullable ClientAuth requested, SSLEngine engine) {
    return new HandshakeCertificate(serverName, requested, Objects.requireNonNull(engine, "engine"));
  }

  /** Whether the request arrived over TLS. */
  public boolean secure() {
    return this != PLAIN;
  }

  /** The SNI name of the handshake; {@code null} without one (or on plain HTTP). */
  public @Nullable String serverName() {
    return serverName;
  }

  /** The settings the handshake asked for a certificate by; {@code null} when it asked none. */
  public @Nullable ClientAuth requested() {
    return requested;
  }

  /**
   * The certificate's verification against {@code bundle} (the {@link #requested()} settings'
   * CAs), computed on the first call; {@link Verification#NONE} when the handshake asked for no
   * certificate or the client sent none.
   */
  public Verification verification(CaBundle bundle, int depth) {
    Verification done = verification;
    if (done != null && verifiedWith == bundle) {
      return done;
    }
    done = verify(bundle, depth);
    verification = done;
    verifiedWith = bundle;
    return done;
  }

  private Verification verify(CaBundle bundle, int depth) {
    SSLEngine e = engine;
    if (e == null || requested == null) {
      return Verification.NONE;
    }
    Certificate[] peer;
    try {
      peer = e.getSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException none) {
      return Verification.NONE;
    }
    X509Certificate[] chain = new X509Certificate[peer.length];
    for (int i = 0; i < peer.length; i++) {
      chain[i] = (X509Certificate) peer[i];
    }
    return ChainCheck.verify(chain, bundle, depth, Instant.now());
  }
}
