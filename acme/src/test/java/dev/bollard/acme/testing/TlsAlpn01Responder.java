package dev.bollard.acme.testing;

import dev.bollard.acme.ChallengeResponder;
import dev.bollard.acme.TlsAlpnCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * A JDK TLS listener on loopback that negotiates ALPN {@code acme-tls/1} and presents the challenge
 * certificate for the SNI host from a {@link ChallengeResponder} (RFC 8737), as the proxy's HTTPS
 * listener does.
 */
public final class TlsAlpn01Responder implements AutoCloseable {
  private static final String ACME_TLS_1 = "acme-tls/1";

  private final ChallengeResponder responder;
  private final SSLServerSocket serverSocket;
  private final Thread acceptor;

  /** Starts on 127.0.0.1:{@code port}. */
  public TlsAlpn01Responder(int port, ChallengeResponder responder) {
    this.responder = responder;
    try {
      var context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new SniKeyManager()}, null, null);
      serverSocket =
          (SSLServerSocket)
              context
                  .getServerSocketFactory()
                  .createServerSocket(port, 16, InetAddress.getByName("127.0.0.1"));
      var parameters = serverSocket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {ACME_TLS_1});
      serverSocket.setSSLParameters(parameters);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    acceptor = new Thread(this::acceptLoop, "tls-alpn-01-responder");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try (var socket = (SSLSocket) serverSocket.accept()) {
        socket.setSoTimeout(5000);
        socket.startHandshake();
        // The validator only inspects the certificate, then closes; wait for that.
        socket.getInputStream().read();
      } catch (IOException e) {
        // Closed listener, or a validator that hung up: nothing to answer.
      }
    }
  }

  @Override
  public void close() {
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }

  /** Picks the challenge certificate by SNI; the alias is the host name. */
  private final class SniKeyManager extends X509ExtendedKeyManager {
    @Override
    public @Nullable String chooseServerAlias(
        String keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
      if (!"RSA".equals(keyType)
          || !(socket instanceof SSLSocket ssl)
          || !(ssl.getHandshakeSession() instanceof ExtendedSSLSession session)) {
        return null;
      }
      return session.getRequestedServerNames().stream()
          .filter(SNIHostName.class::isInstance)
          .map(name -> ((SNIHostName) name).getAsciiName())
          .filter(host -> responder.tlsAlpn01(host).isPresent())
          .findFirst()
          .orElse(null);
    }

    @Override
    public @Nullable String chooseEngineServerAlias(
        String keyType, Principal @Nullable [] issuers, @Nullable SSLEngine engine) {
      return null;
    }

    @Override
    public X509Certificate @Nullable [] getCertificateChain(String alias) {
      Optional<TlsAlpnCertificate> certificate = responder.tlsAlpn01(alias);
      return certificate.map(c -> new X509Certificate[] {c.certificate()}).orElse(null);
    }

    @Override
    public @Nullable PrivateKey getPrivateKey(String alias) {
      return responder.tlsAlpn01(alias).map(TlsAlpnCertificate::privateKey).orElse(null);
    }

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
      return null;
    }

    @Override
    public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
      return null;
    }

    @Override
    public @Nullable String chooseClientAlias(
        String[] keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
      return null;
    }
  }
}
