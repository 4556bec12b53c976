package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.acme.CertificateEvents;
import dev.bollard.acme.ChallengeType;
import dev.bollard.acme.testing.PebbleExtension;
import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.certs.TlsConfig;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.config.TlsBinding;
import dev.bollard.proxy.server.ServerSettings;
import dev.bollard.proxy.testing.TlsProbe;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ACME server (pebble) validating through Bollard's own listeners: HTTP-01 on the plain
 * listener, TLS-ALPN-01 on the HTTPS listener; the issued certificate is then served by SNI.
 */
class AcmeStandaloneEndToEndTest {

  @RegisterExtension static final PebbleExtension PEBBLE = new PebbleExtension();

  @TempDir Path manifests;
  @TempDir Path acmeDir;

  @Test
  void http01IssuanceThroughThePlainListenerThenServedBySni() throws Exception {
    String host = "http01-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    issueAndServe(host, ChallengeType.HTTP_01, false);
  }

  @Test
  void tlsAlpn01IssuanceThroughTheHttpsListenerThenServedBySni() throws Exception {
    String host = "alpn-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    issueAndServe(host, ChallengeType.TLS_ALPN_01, false);
  }

  @Test
  void guardedHostStillValidatesByHttp01() throws Exception {
    String host = "guarded-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    issueAndServe(host, ChallengeType.HTTP_01, true);
  }

  private void issueAndServe(String host, ChallengeType type, boolean guarded) throws Exception {
    writeIngress(host, guarded);
    TlsConfig tls = TlsConfig.httpsOnly(new InetSocketAddress("127.0.0.1", PEBBLE.tlsPort()))
        .withAcme(PEBBLE.directory(), "ops@example.com", acmeDir);
    CertificateWiring.Options certs = new CertificateWiring.Options(
        tls.withChallengeTypes(List.of(type)), List.of(PEBBLE.caCertificate()),
        CertificateEvents.NONE, Clock.systemUTC());
    StandaloneSettings settings = new StandaloneSettings(
        manifests,
        ServerSettings.defaults(new InetSocketAddress("127.0.0.1", PEBBLE.httpPort())),
        new InetSocketAddress("127.0.0.1", 0),
        IngressClassSelection.defaults(),
        null,
        Duration.ofMillis(50),
        Duration.ofMillis(500));
    try (ProxyProcess runtime =
        ProxyProcess.start(settings.source(), settings.process().withCertificates(certs))) {
      await("certificate for " + host).atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> runtime.currentSnapshot().tls().bindingFor(host)
              .map(TlsBinding::hasCertificate).orElse(false));

      X509Certificate served = handshake(runtime.httpsPort(), host);
      assertThat(served.getSubjectAlternativeNames()).anySatisfy(
          name -> assertThat(name.get(1)).isEqualTo(host));
      assertThat(served.getIssuerX500Principal().getName()).containsIgnoringCase("pebble");
      if (guarded) {
        // Everything but the challenge path still redirects, then meets the guard over HTTPS.
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", runtime.proxyPort())) {
          plain.getOutputStream().write(("GET /private HTTP/1.1\r\nHost: " + host
              + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          assertThat(read(plain.getInputStream())).startsWith("HTTP/1.1 308");
        }
      }
    }
  }

  private void writeIngress(String host, boolean guarded) throws Exception {
    String auth = guarded ? """
            nginx.ingress.kubernetes.io/auth-type: basic
            nginx.ingress.kubernetes.io/auth-secret: web-users
        """ : "";
    Files.writeString(manifests.resolve("ingress.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: shop
          annotations:
            kubernetes.io/tls-acme: "true"
        %s
        spec:
          ingressClassName: bollard
          tls:
            - hosts: [%s]
              secretName: web-tls
          rules:
            - host: %s
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
        """.formatted(auth.stripTrailing(), host, host));
    if (guarded) {
      Files.writeString(manifests.resolve("users.yaml"), """
          apiVersion: v1
          kind: Secret
          metadata:
            name: web-users
            namespace: shop
          stringData:
            auth: "ops:$apr1$5Tq1/6Zm$VMy0.mQU1m2TN0wNvX2Mv1"
          """);
    }
  }

  private static X509Certificate handshake(int port, String host) throws Exception {
    return TlsProbe.peerCertificate(port, host);
  }

  private static String read(InputStream in) throws java.io.IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
