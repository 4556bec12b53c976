package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.testing.TestCa;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backend-protocol: HTTPS}, the {@code proxy-ssl-*} annotations and {@code
 * service-upstream} from manifest files to real TLS backends (Netty, certificates made here): each
 * backend answers with the connection's number, the server name the proxy sent and the client
 * certificate it presented, so the test reads what happened on the upstream connection.
 */
class UpstreamTlsEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final String NAME = "backend.internal";

  @TempDir static Path manifests;
  private static EventLoopGroup group;
  private static Backend open;
  private static Backend mutual;
  private static Backend deep;

  @RegisterExtension static final StandaloneFixture STANDALONE = new StandaloneFixture();
  private static ProxyProcess runtime;

  @BeforeAll
  static void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    TestCa good = TestCa.root("Good CA");
    TestCa wrong = TestCa.root("Wrong CA");
    TestCa clients = TestCa.root("Client CA");
    TestCa.Issued server = good.issue(NAME);
    open = Backend.start(group, server, null);
    mutual = Backend.start(group, server, clients.certificate());
    // Two intermediates between the server's certificate and the root.
    TestCa.Issued deepServer = good.intermediate("Intermediate 1").intermediate("Intermediate 2")
        .issue(NAME);
    deep = Backend.start(group, deepServer, null);
    TestCa.Issued client = clients.issue("bollard.client");
    Files.writeString(manifests.resolve("upstreams.yaml"), manifests(good, wrong, client));
    runtime = STANDALONE.start(manifests);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Backend b : new Backend[] {open, mutual, deep}) {
      if (b != null) {
        b.channel.close().sync();
      }
    }
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
  }

  @Test
  void httpsWithVerifyOffTrustsAnyCertificateAndSendsNoServerName() throws IOException {
    try (Client c = new Client()) {
      assertThat(c.get("insecure.localhost")).startsWith("200 ").contains("sni=- client=-");
    }
  }

  @Test
  void withoutTheAnnotationATlsBackendGetsPlainHttpAndFails() throws IOException {
    try (Client c = new Client()) {
      assertThat(c.get("plain.localhost")).startsWith("502 ");
    }
  }

  @Test
  void verifyOnWithTheRightCaWorksAndWithAWrongCaOrNameIsA502() throws IOException {
    try (Client c = new Client()) {
      assertThat(c.get("verified.localhost")).startsWith("200 ");
      assertThat(c.get("wrong-ca.localhost")).startsWith("502 ");
      assertThat(c.get("wrong-name.localhost")).startsWith("502 ");
    }
  }

  @Test
  void verifyDepthCountsIntermediatesAsNginxDoes() throws IOException {
    try (Client c = new Client()) {
      assertThat(c.get("depth-1.localhost")).startsWith("502 ");
      assertThat(c.get("depth-2.localhost")).startsWith("200 ");
    }
  }

  @Test
  void theServerNameIsSentWhenProxySslServerNameIsOn() throws IOException {
    try (Client c = new Client()) {
      assertThat(c.get("sni.localhost")).startsWith("200 ").contains("sni=" + NAME + " ");
    }
  }

  @Test
  void theClientCertificateOfTheSecretIsPresented() throws IOException {
    try (Client c = new Client()) {
      assertThat(c.get("mtls.localhost")).startsWith("200 ").contains("client=CN=bollard.client");
      assertThat(c.get("no-client-cert.localhost")).startsWith("502 ");
    }
  }

  @Test
  void connectionsAreReusedPerTlsConfigurationNeverAcross() throws IOException {
    try (Client c = new Client()) {
      String a1 = c.get("reuse-a.localhost");
      String b1 = c.get("reuse-b.localhost");
      String a2 = c.get("reuse-a.localhost");
      String b2 = c.get("reuse-b.localhost");
      assertThat(List.of(a1, b1, a2, b2)).allSatisfy(r -> assertThat(r).startsWith("200 "));
      // Same Service, two TLS configurations: two upstream connections, each reused.
      assertThat(connection(a1)).isEqualTo(connection(a2));
      assertThat(connection(b1)).isEqualTo(connection(b2));
      assertThat(connection(a1)).isNotEqualTo(connection(b1));
      assertThat(a1).contains("sni=- ");
      assertThat(b1).contains("sni=" + NAME + " ");
    }
  }

  @Test
  void aCanaryIsRelayedWithTheMainIngresssTlsSettingsAndItsConnectionsAreReused()
      throws IOException {
    try (Client c = new Client()) {
      String first = c.get("canary-main.localhost");
      String second = c.get("canary-main.localhost");
      assertThat(first).startsWith("200 ").contains("sni=canary.internal ");
      assertThat(second).startsWith("200 ");
      assertThat(connection(first)).isEqualTo(connection(second));
    }
  }

  @Test
  void serviceUpstreamGoesToTheClusterIpAndPort() throws IOException {
    try (Client c = new Client()) {
      // The EndpointSlice names a closed port: only the cluster IP and port reach the backend.
      assertThat(c.get("cluster-ip.localhost")).startsWith("200 ");
      assertThat(c.get("endpoints.localhost")).startsWith("502 ");
    }
  }

  @Test
  void aMissingSecretFailsTheRouteClosed() throws IOException {
    try (Client c = new Client()) {
      assertThat(c.get("missing-secret.localhost")).startsWith("503 ")
          .contains("upstream TLS settings are broken");
    }
  }

  private static String connection(String response) {
    int at = response.indexOf("conn=");
    return response.substring(at, response.indexOf(' ', at));
  }

  // ---- the backend --------------------------------------------------------------------------

  /** A TLS HTTP/1.1 server answering {@code conn=<n> sni=<name|-> client=<subject|->}. */
  private static final class Backend {
    final Channel channel;

    private Backend(Channel channel) {
      this.channel = channel;
    }

    int port() {
      return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    static Backend start(EventLoopGroup group, TestCa.Issued certificate,
        X509Certificate clientCa) throws Exception {
      SslContextBuilder builder = SslContextBuilder.forServer(certificate.key(),
              certificate.chain().toArray(new X509Certificate[0]))
          .sslProvider(SslProvider.JDK);
      if (clientCa != null) {
        builder.trustManager(clientCa).clientAuth(ClientAuth.REQUIRE);
      }
      SslContext context = builder.build();
      AtomicInteger connections = new AtomicInteger();
      Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              int number = connections.incrementAndGet();
              SslHandler tls = context.newHandler(ch.alloc());
              ch.pipeline().addLast(tls, new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                  new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                      String body = "conn=" + number + " " + describe(tls.engine().getSession())
                          + "\n";
                      FullHttpResponse response = new DefaultFullHttpResponse(
                          HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                          Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
                      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH,
                          response.content().readableBytes());
                      ctx.writeAndFlush(response);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                      // A refused handshake (no client certificate, a plain-HTTP request).
                      ctx.close();
                    }
                  });
            }
          })
          .bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
      return new Backend(channel);
    }

    private static String describe(SSLSession session) {
      String sni = "-";
      if (session instanceof ExtendedSSLSession extended) {
        for (SNIServerName name : extended.getRequestedServerNames()) {
          if (name instanceof SNIHostName host) {
            sni = host.getAsciiName();
          }
        }
      }
      String client = "-";
      try {
        client = ((X509Certificate) session.getPeerCertificates()[0])
            .getSubjectX500Principal().getName();
      } catch (SSLPeerUnverifiedException e) {
        // No client certificate.
      }
      return "sni=" + sni + " client=" + client;
    }
  }

  // ---- the client ---------------------------------------------------------------------------

  /** One keep-alive connection to the proxy; {@link #get} answers "status body". */
  private static final class Client implements AutoCloseable {
    private final Socket socket;

    Client() throws IOException {
      socket = new Socket(LOOPBACK, runtime.proxyPort());
      socket.setSoTimeout(10_000);
    }

    String get(String host) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      String lower = head.toLowerCase(Locale.ROOT);
      int at = lower.indexOf("content-length:");
      int length = at < 0 ? 0
          : Integer.parseInt(lower.substring(at + 15, lower.indexOf('\r', at)).trim());
      String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
      return head.substring(9, 12) + " " + body;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed after: " + head);
        }
        head.write(b);
        matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return head.toString(StandardCharsets.US_ASCII);
    }
  }

  // ---- the manifests ------------------------------------------------------------------------

  private static String manifests(TestCa good, TestCa wrong, TestCa.Issued client) {
    StringBuilder out = new StringBuilder();
    out.append(service("open", open.port(), 443, null));
    out.append(service("mutual", mutual.port(), 443, null));
    out.append(service("deep", deep.port(), 443, null));
    // Its endpoints are a closed port; its cluster IP and port are the backend.
    out.append(service("direct", 1, open.port(), "127.0.0.1"));
    out.append(secret("good-ca", "ca.crt", good.certificatePem()));
    out.append(secret("wrong-ca", "ca.crt", wrong.certificatePem()));
    out.append(secret("client", "tls.crt", client.chainPem(), "tls.key", client.keyPem()));
    String https = "nginx.ingress.kubernetes.io/backend-protocol: HTTPS";
    String verify = "nginx.ingress.kubernetes.io/proxy-ssl-verify: \"on\"";
    String name = "nginx.ingress.kubernetes.io/proxy-ssl-name: " + NAME;
    String sni = "nginx.ingress.kubernetes.io/proxy-ssl-server-name: \"on\"";
    out.append(ingress("plain", "open", 443));
    out.append(ingress("insecure", "open", 443, https));
    out.append(ingress("verified", "open", 443, https, verify, name, secretRef("good-ca")));
    out.append(ingress("wrong-ca", "open", 443, https, verify, name, secretRef("wrong-ca")));
    out.append(ingress("wrong-name", "open", 443, https, verify, secretRef("good-ca"),
        "nginx.ingress.kubernetes.io/proxy-ssl-name: other.internal"));
    out.append(ingress("depth-1", "deep", 443, https, verify, name, secretRef("good-ca")));
    out.append(ingress("depth-2", "deep", 443, https, verify, name, secretRef("good-ca"),
        "nginx.ingress.kubernetes.io/proxy-ssl-verify-depth: \"2\""));
    out.append(ingress("sni", "open", 443, https, name, sni));
    out.append(ingress("mtls", "mutual", 443, https, secretRef("client")));
    out.append(ingress("no-client-cert", "mutual", 443, https));
    out.append(ingress("reuse-a", "open", 443, https,
        "nginx.ingress.kubernetes.io/proxy-ssl-name: reuse.internal"));
    out.append(ingress("reuse-b", "open", 443, https, name, sni));
    out.append(ingress("cluster-ip", "direct", open.port(), https,
        "nginx.ingress.kubernetes.io/service-upstream: \"true\""));
    out.append(ingress("endpoints", "direct", open.port(), https));
    out.append(ingress("missing-secret", "open", 443, https, secretRef("nope")));
    // The main Ingress's backend wants a client certificate it does not get (502); its canary
    // (weight 100) is relayed with the main Ingress's TLS settings.
    // Its own server name: no other route shares these TLS settings (and keeps the pool live).
    out.append(ingress("canary-main", "mutual", 443, https, sni,
        "nginx.ingress.kubernetes.io/proxy-ssl-name: canary.internal"));
    out.append(ingress("canary-main", "open", 443,
        "nginx.ingress.kubernetes.io/canary: \"true\"",
        "nginx.ingress.kubernetes.io/canary-weight: \"100\"")
        .replace("name: canary-main\n", "name: canary-main-canary\n"));
    return out.toString();
  }

  private static String secretRef(String name) {
    return "nginx.ingress.kubernetes.io/proxy-ssl-secret: shop/" + name;
  }

  private static String ingress(String name, String service, int port, String... annotations) {
    StringBuilder block = new StringBuilder();
    if (annotations.length > 0) {
      block.append("  annotations:\n");
      for (String annotation : annotations) {
        block.append("    ").append(annotation).append('\n');
      }
    }
    return """
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: shop
        %sspec:
          ingressClassName: bollard
          rules:
            - host: %s.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: %s, port: {number: %d}}}
        """.formatted(name, block, name, service, port);
  }

  private static String service(String name, int targetPort, int port, String clusterIp) {
    return """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: shop}
        spec:
          %s
          ports:
            - {name: https, port: %d, targetPort: https}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s-1
          namespace: shop
          labels: {kubernetes.io/service-name: %s}
        addressType: IPv4
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions: {ready: true}
        ports:
          - {name: https, port: %d}
        """.formatted(name, clusterIp == null ? "type: ClusterIP" : "clusterIP: " + clusterIp,
        port, name, name, targetPort);
  }

  private static String secret(String name, String... keysAndValues) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      data.append("  ").append(keysAndValues[i]).append(": |\n");
      for (String line : keysAndValues[i + 1].split("\n")) {
        data.append("    ").append(line.strip()).append('\n');
      }
    }
    return """
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: %s, namespace: shop}
        stringData:
        %s""".formatted(name, data);
  }
}
