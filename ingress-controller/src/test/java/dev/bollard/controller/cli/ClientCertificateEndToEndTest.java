package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.testing.TestCa;
import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.TestBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code auth-tls-*} annotations from manifest files to the wire: a standalone Bollard with its
 * HTTPS listener, a CA Secret with a CRL, and JDK clients presenting certificates made here.
 */
class ClientCertificateEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir static Path manifests;
  private static TestBackend app;

  @RegisterExtension static final StandaloneFixture STANDALONE = new StandaloneFixture();
  private static ProxyProcess runtime;
  private static TestCa.Issued alice;
  private static TestCa.Issued carol;
  private static TestCa.Issued revoked;
  private static TestCa.Issued stranger;

  @BeforeAll
  static void start() throws Exception {
    app = TestBackend.start("app", TestBackend.echo());
    TestCa clients = TestCa.root("Client CA");
    alice = clients.issue("alice");
    carol = clients.issue("carol");
    revoked = clients.issue("mallory");
    stranger = TestCa.root("Other CA").issue("alice");
    Files.writeString(manifests.resolve("mtls.yaml"), manifest(clients.certificatePem(),
        clients.crlPem(revoked.chain().get(0))) + TestManifests.appService(app.port()));
    runtime = STANDALONE.start(manifests);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void aValidCertificateReachesTheAppWithIngressNginxsHeaders() throws Exception {
    Response response = get("secure.localhost", "secure.localhost", alice);
    assertThat(response.status()).isEqualTo(200);
    Map<String, String> upstream = response.upstreamHeaders();
    assertThat(upstream).containsEntry("ssl-client-verify", "SUCCESS")
        .containsEntry("ssl-client-subject-dn", "CN=alice")
        .containsEntry("ssl-client-issuer-dn", "CN=Client CA");
    String pem = URLDecoder.decode(upstream.get("ssl-client-cert"), StandardCharsets.US_ASCII);
    assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n");
    String body = pem.replace("-----BEGIN CERTIFICATE-----", "")
        .replace("-----END CERTIFICATE-----", "").replace("\n", "");
    assertThat(Base64.getDecoder().decode(body)).isEqualTo(alice.chain().get(0).getEncoded());
  }

  @Test
  void noCertificateAnotherCaOrARevokedOneIsAnswered400() throws Exception {
    Response none = get("secure.localhost", "secure.localhost", null);
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.body()).contains("No required SSL certificate was sent");
    assertThat(get("secure.localhost", "secure.localhost", stranger).status()).isEqualTo(400);
    Response withdrawn = get("secure.localhost", "secure.localhost", revoked);
    assertThat(withdrawn.status()).isEqualTo(400);
    assertThat(withdrawn.body()).contains("The SSL certificate error");
  }

  @Test
  void matchCnRefusesAnotherSubjectWith403() throws Exception {
    assertThat(get("secure.localhost", "secure.localhost", carol).status()).isEqualTo(403);
  }

  @Test
  void optionalLetsAClientWithoutCertificateThrough() throws Exception {
    Response response = get("optional.localhost", "optional.localhost", null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.upstreamHeaders()).containsEntry("ssl-client-verify", "NONE");
  }

  @Test
  void aHandshakeForAnOpenHostDoesNotOpenTheSecureOne() throws Exception {
    assertThat(get("open.localhost", "open.localhost", null).status()).isEqualTo(200);
    assertThat(get("open.localhost", "secure.localhost", alice).status()).isEqualTo(421);
    assertThat(get("open.localhost", "secure.localhost", null).status()).isEqualTo(421);
  }

  @Test
  void anAliasAsksForTheSameCertificateAsItsHost() throws Exception {
    // In ingress-nginx an alias is a server_name of the host's server: ssl_verify_client too.
    Response none = get("alias.localhost", "alias.localhost", null);
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.body()).contains("No required SSL certificate was sent");
    assertThat(get("alias.localhost", "alias.localhost", stranger).status()).isEqualTo(400);
    assertThat(get("alias.localhost", "alias.localhost", carol).status()).isEqualTo(403);
    Response valid = get("alias.localhost", "alias.localhost", alice);
    assertThat(valid.status()).isEqualTo(200);
    assertThat(valid.upstreamHeaders()).containsEntry("ssl-client-verify", "SUCCESS")
        .containsEntry("ssl-client-subject-dn", "CN=alice");
    // A handshake for an open host does not open the alias either.
    assertThat(get("open.localhost", "alias.localhost", alice).status()).isEqualTo(421);
  }

  @Test
  void theCertificateIsCheckedBeforeAnyRedirectOverHttps() throws Exception {
    // nginx refuses a missing certificate when it reads the request head, before its rewrite
    // phases (app-root's if, a location's return).
    Response root = get("moved.localhost", "moved.localhost", null);
    assertThat(root.status()).isEqualTo(400);
    assertThat(root.body()).contains("No required SSL certificate was sent");
    assertThat(get("moved.localhost", "moved.localhost", stranger).status()).isEqualTo(400);
    assertThat(get("moved.localhost", "moved.localhost", alice).status()).isEqualTo(302);
  }

  @Test
  void theWwwNameOnlyRedirectsToTheProtectedHost() throws Exception {
    // ingress-nginx's www server only returns 308 (no ssl_verify_client): the routes stay behind
    // the host's certificate check.
    Response redirect = get("www.secure.localhost", "www.secure.localhost", null);
    assertThat(redirect.status()).isEqualTo(308);
    assertThat(redirect.body()).doesNotContain("ssl-client-verify");
  }

  /** One request over a new TLS connection: SNI {@code sni}, {@code Host: host}. */
  private static Response get(String sni, String host, TestCa.@Nullable Issued certificate)
      throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(certificate == null ? null
            : new KeyManager[] {new Presenting(certificate.key(),
                certificate.chain().toArray(new X509Certificate[0]))},
        new TrustManager[] {new TrustAnything()}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(LOOPBACK, runtime.httpsPort())) {
      socket.setSoTimeout(5000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(sni)));
      socket.setSSLParameters(parameters);
      socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host
          + "\r\nssl-client-verify: SUCCESS\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return Response.read(socket.getInputStream());
    }
  }

  private record Response(int status, String body) {
    static Response read(InputStream in) throws IOException {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      int bodyAt = text.indexOf("\r\n\r\n");
      return new Response(status, text.substring(bodyAt + 4));
    }

    /** The request headers the echo backend listed, lower-case names. */
    Map<String, String> upstreamHeaders() {
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line : body.split("\n")) {
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(':');
        headers.merge(line.substring(0, colon).toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
      }
      return headers;
    }
  }

  private static String manifest(String caPem, String crlPem) {
    return """
        apiVersion: v1
        kind: Secret
        metadata:
          name: client-ca
          namespace: shop
        stringData:
          ca.crt: |
        %s
          ca.crl: |
        %s
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: secure
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/auth-tls-secret: shop/client-ca
            nginx.ingress.kubernetes.io/auth-tls-verify-client: "on"
            nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream: "true"
            nginx.ingress.kubernetes.io/auth-tls-match-cn: "CN=(alice|mallory)"
            nginx.ingress.kubernetes.io/server-alias: alias.localhost
            nginx.ingress.kubernetes.io/from-to-www-redirect: "true"
        spec:
          ingressClassName: bollard
          rules:
            - host: secure.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: optional
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/auth-tls-secret: shop/client-ca
            nginx.ingress.kubernetes.io/auth-tls-verify-client: optional
        spec:
          ingressClassName: bollard
          rules:
            - host: optional.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: moved
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/auth-tls-secret: shop/client-ca
            nginx.ingress.kubernetes.io/permanent-redirect: https://elsewhere.example/
            nginx.ingress.kubernetes.io/app-root: /app
        spec:
          ingressClassName: bollard
          rules:
            - host: moved.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: open
          namespace: shop
        spec:
          ingressClassName: bollard
          rules:
            - host: open.localhost
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
        """.formatted(indent(caPem), indent(crlPem));
  }

  private static String indent(String pem) {
    return pem.strip().lines().map(l -> "        " + l)
        .reduce((a, b) -> a + "\n" + b).orElse("");
  }

  /** Always presents one chain, whichever CAs the server names (as curl's --cert does). */
  private static final class Presenting extends X509ExtendedKeyManager {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    Presenting(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers,
        SSLEngine engine) {
      return "client";
    }

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal[] issuers,
        Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }
  }

  private static final class TrustAnything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
