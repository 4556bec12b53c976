package dev.bollard.proxy.config;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a backend's upstream connections speak TLS (ingress-nginx's {@code backend-protocol: HTTPS}
 * and the {@code proxy-ssl-*} annotations). A backend without one speaks plain HTTP.
 *
 * <p>Connections are pooled per endpoint <em>and</em> this value: two Ingresses that send the same
 * Service's traffic with different TLS settings never share a connection. Its {@code SslContext}
 * is built once per distinct value by the upstream pools, never per request or connection.
 *
 * @param protocols the TLS versions offered ({@code TLSv1.2}, {@code TLSv1.3}), not empty
 * @param verify whether the upstream's certificate is checked (chain and name); off trusts any
 *     certificate, as nginx does by default
 * @param verifyDepth the most intermediate CA certificates a verified chain may have between the
 *     upstream's certificate and a trusted one (nginx's {@code proxy_ssl_verify_depth})
 * @param serverName the name checked against the upstream's certificate and, with {@code sni}, sent
 *     as the TLS server name
 * @param sni whether the server name is sent (nginx's {@code proxy_ssl_server_name})
 * @param trustedCaPem the CA certificates (PEM) that verification trusts; {@code null} means the
 *     JVM's default trust store
 * @param clientChainPem the client certificate chain (PEM) presented to the upstream, or {@code
 *     null} for none
 * @param clientKeyPem its private key (PEM), present exactly when {@code clientChainPem} is
 * @param onlyForTlsClients ingress-nginx's {@code AUTO_HTTP}: TLS only for requests that reached
 *     the proxy over TLS, plain HTTP for the others
 * @param secret the {@code namespace/name} of the Secret the certificates came from, or {@code ""}
 *     (for logs)
 */
public record UpstreamTls(
    List<String> protocols,
    boolean verify,
    int verifyDepth,
    String serverName,
    boolean sni,
    @Nullable String trustedCaPem,
    @Nullable String clientChainPem,
    @Nullable String clientKeyPem,
    boolean onlyForTlsClients,
    String secret) {

  /** The versions offered when nothing else is configured. */
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

  public UpstreamTls {
    protocols = List.copyOf(protocols);
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("protocols: [] (expected: at least one TLS version)");
    }
    if (verifyDepth < 0) {
      throw new IllegalArgumentException("verifyDepth: " + verifyDepth + " (expected: >= 0)");
    }
    Objects.requireNonNull(serverName, "serverName");
    if ((clientChainPem == null) != (clientKeyPem == null)) {
      throw new IllegalArgumentException(
          "clientChainPem and clientKeyPem: expected both or neither");
    }
    Objects.requireNonNull(secret, "secret");
  }

  /** TLS with nginx's defaults: nothing verified, no server name sent, no client certificate. */
  public static UpstreamTls unverified(String serverName) {
    return new UpstreamTls(DEFAULT_PROTOCOLS, false, 1, serverName, false, null, null, null, false,
        "");
  }

  /** Without the key material, so that logs and status pages can show it. */
  @Override
  public String toString() {
    return "UpstreamTls[protocols=" + protocols + ", verify=" + verify + ", verifyDepth="
        + verifyDepth + ", serverName=" + serverName + ", sni=" + sni + ", trustedCa="
        + (trustedCaPem != null) + ", clientCertificate=" + (clientChainPem != null)
        + ", onlyForTlsClients=" + onlyForTlsClients + ", secret=" + secret + "]";
  }
}
