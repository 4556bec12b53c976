package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.ConfigFamily;
import dev.bollard.controller.settings.SettingValues;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.server.ServerSettings;
import dev.bollard.proxy.testing.TlsProbe;
import dev.bollard.proxy.tls.CertifiedKey;
import dev.bollard.proxy.testing.RefusedPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nginx.ingress.kubernetes.io/ssl-passthrough} from YAML to the wire, through a standalone
 * Bollard and a Netty TLS backend with its own certificate: the client of a passed-through host
 * shakes hands with the backend (its certificate, its SNI), bytes go both ways untouched and
 * counted; another host on the same listener gets Bollard's certificate and HTTP. Without {@code
 * --enable-ssl-passthrough} Bollard terminates TLS. Half a ClientHello, an oversized one, bytes
 * that are no TLS and a backend that is down all end the connection.
 */
class SslPassthroughEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String PASSED = "secure.localhost";
  private static final String TERMINATED = "app.localhost";

  @TempDir Path manifests;
  private final CertifiedKey backendKey =
      CertifiedKey.selfSigned(PASSED, Duration.ofDays(1));
  /** The SNI names the backend's handshakes were asked for. */
  private final Queue<String> backendSni = new ConcurrentLinkedQueue<>();
  /** Whether the backend reads after its handshake (else it stops: a backend that stalls). */
  private volatile boolean backendReads = true;
  private Duration readTimeout = Duration.ofSeconds(60);
  private Duration headerTimeout = Duration.ofSeconds(1);
  private EventLoopGroup group;
  private Channel backend;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess runtime;

  @BeforeEach
  void startBackend() throws Exception {
    SslContext context = SslContextBuilder
        .forServer(backendKey.privateKey(), backendKey.chain().toArray(new X509Certificate[0]))
        .sslProvider(SslProvider.JDK).build();
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    backend = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(context.newHandler(ch.alloc()), new Echo());
          }
        }).bind(LOOPBACK, 0).sync().channel();
  }

  @AfterEach
  void stopAll() throws Exception {
    backend.close().sync();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
  }

  @Test
  void thePassedThroughHostShakesHandsWithTheBackendAndBytesGoBothWaysUntouched()
      throws Exception {
    start(true, backendPort(), "");

    try (SSLSocket client = tls(runtime.httpsPort(), PASSED)) {
      client.startHandshake();
      assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(backendKey.leaf());
      byte[] sent = new byte[8 * 1024 * 1024 + 17];
      new Random(15).nextBytes(sent);
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = client.getOutputStream();
          out.write(sent);
          out.flush();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      byte[] echoed = client.getInputStream().readNBytes(sent.length);
      assertThat(writing).succeedsWithin(WAIT);
      assertThat(echoed).isEqualTo(sent);
    }
    assertThat(backendSni).containsExactly(PASSED);

    // Another host on the same listener: Bollard's certificate, Bollard's HTTP.
    X509Certificate other = TlsProbe.peerCertificate(runtime.httpsPort(), TERMINATED);
    assertThat(other).isNotEqualTo(backendKey.leaf());
    assertThat(other.getSubjectX500Principal().getName()).contains("Bollard default");
    try (SSLSocket client = tls(runtime.httpsPort(), TERMINATED)) {
      client.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + TERMINATED
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .startsWith("HTTP/1.1 503");
    }
    await().atMost(WAIT).untilAsserted(() -> {
      String metrics = metrics();
      assertThat(metrics).contains("bollard_passthrough_connections_total{result=\"relayed\"} 1.0");
      assertThat(sample(metrics, "bollard_passthrough_bytes_total{direction=\"in\"}"))
          .isGreaterThan(8 * 1024 * 1024);
      assertThat(sample(metrics, "bollard_passthrough_bytes_total{direction=\"out\"}"))
          .isGreaterThan(8 * 1024 * 1024);
    });
  }

  @Test
  void aClientIsNotReadFasterThanTheBackendReads() throws Exception {
    backendReads = false;
    start(true, backendPort(), "");

    Socket plain = new Socket(LOOPBACK, runtime.httpsPort());
    // Not closed itself: the writer below holds its write lock, and its close would wait for it.
    SSLSocket client = (SSLSocket) TlsProbe.trustAll().getSocketFactory()
        .createSocket(plain, PASSED, runtime.httpsPort(), true);
    try {
      withSni(client, PASSED);
      client.startHandshake();
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        byte[] chunk = new byte[64 * 1024];
        try {
          OutputStream out = client.getOutputStream();
          for (int i = 0; i < 4096; i++) {
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
        } catch (IOException e) {
          // Closed at the end of the test while blocked.
        }
      });
      // Writing stalls once the socket buffers on the way are full: Bollard holds no more.
      long[] last = {-1};
      await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
        long now = written.get();
        boolean stalled = now > 0 && now == last[0];
        last[0] = now;
        return stalled;
      });
      assertThat(written.get()).isLessThan(64L * 1024 * 1024);
      assertThat(writing).isNotDone();
    } finally {
      plain.close();
    }
  }

  @Test
  void aRelayWithoutBytesEitherWayIsClosedAfterTheReadTimeout() throws Exception {
    readTimeout = Duration.ofSeconds(1);
    start(true, backendPort(), "");

    try (SSLSocket client = tls(runtime.httpsPort(), PASSED)) {
      client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      assertThat(client.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII)
          .isEqualTo("ping");
      long start = System.nanoTime();
      assertThat(endOfStream(client.getInputStream())).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThan(Duration.ofMillis(800)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void aGracefulShutdownLetsARelayedConnectionRunUntilTheDeadline() throws Exception {
    start(true, backendPort(), "");

    try (SSLSocket client = tls(runtime.httpsPort(), PASSED)) {
      client.startHandshake();
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
        try {
          runtime.shutdownGracefully(Duration.ofSeconds(3));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // The listener closed, which the drain follows at once: the relay still carries bytes.
      int port = runtime.httpsPort();
      await().atMost(WAIT).until(() -> refused(port));
      client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      assertThat(client.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII)
          .isEqualTo("ping");
      assertThat(stopping).isNotDone();
      // At the deadline it is cut.
      assertThat(endOfStream(client.getInputStream())).isTrue();
      assertThat(stopping).succeedsWithin(WAIT);
    }
  }

  /** Whether a connection to {@code port} is refused (the listener closed). */
  private static boolean refused(int port) {
    try (Socket probe = new Socket(LOOPBACK, port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void withoutTheFlagBollardTerminatesTlsForTheAnnotatedHost() throws Exception {
    start(false, backendPort(), "");

    X509Certificate seen = TlsProbe.peerCertificate(runtime.httpsPort(), PASSED);
    assertThat(seen).isNotEqualTo(backendKey.leaf());
    assertThat(seen.getSubjectX500Principal().getName()).contains("Bollard default");
    assertThat(backendSni).isEmpty();
  }

  @Test
  void thePassedThroughConnectionKeepsWorkingBehindAProxyProtocolHeader() throws Exception {
    start(true, backendPort(), """
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          namespace: default
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          use-proxy-protocol: "true"
        """);
    await().atMost(WAIT).until(() -> runtime.currentSnapshot().settings().useProxyProtocol());

    Socket plain = new Socket(LOOPBACK, runtime.httpsPort());
    plain.getOutputStream().write("PROXY TCP4 192.0.2.7 127.0.0.1 4711 443\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    try (SSLSocket client = (SSLSocket) TlsProbe.trustAll().getSocketFactory()
        .createSocket(plain, PASSED, runtime.httpsPort(), true)) {
      client.setSoTimeout(5_000);
      withSni(client, PASSED);
      client.startHandshake();
      assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(backendKey.leaf());
      client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      assertThat(client.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII)
          .isEqualTo("ping");
    }
  }

  @Test
  void halfAClientHelloIsClosedWhenTheHeaderTimeoutEnds() throws Exception {
    start(true, backendPort(), "");

    try (Socket client = new Socket(LOOPBACK, runtime.httpsPort())) {
      client.setSoTimeout(5_000);
      // A handshake record announcing 512 bytes, of which 9 come.
      client.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01,
          (byte) 0xfc, 0x03, 0x03, 0, 0, 0});
      long start = System.nanoTime();
      assertThat(endOfStream(client.getInputStream())).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThan(Duration.ofMillis(800)).isLessThan(Duration.ofSeconds(4));
    }
    assertThat(backendSni).isEmpty();
  }

  @Test
  void aClientHelloOver64KiBIsRefusedAtOnce() throws Exception {
    headerTimeout = Duration.ofSeconds(30);
    start(true, backendPort(), "");

    try (Socket client = new Socket(LOOPBACK, runtime.httpsPort())) {
      client.setSoTimeout(5_000);
      byte[] record = new byte[5 + 16384];
      record[0] = 0x16;
      record[1] = 0x03;
      record[2] = 0x01;
      record[3] = 0x40;
      // A ClientHello announcing 128 KiB.
      record[5] = 0x01;
      record[6] = 0x02;
      long start = System.nanoTime();
      client.getOutputStream().write(record);
      assertThat(endOfStream(client.getInputStream())).isTrue();
      // Well before the header timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void bytesThatAreNoTlsAreClosed() throws Exception {
    headerTimeout = Duration.ofSeconds(30);
    start(true, backendPort(), "");

    try (Socket client = new Socket(LOOPBACK, runtime.httpsPort())) {
      client.setSoTimeout(5_000);
      client.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + PASSED + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      assertThat(endOfStream(client.getInputStream())).isTrue();
      // Well before the header timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
    assertThat(backendSni).isEmpty();
  }

  @Test
  void aBackendThatIsDownClosesTheClientConnectionPromptly() throws Exception {
    int down = RefusedPort.port();
    start(true, down, "");

    try (SSLSocket client = tls(runtime.httpsPort(), PASSED)) {
      long start = System.nanoTime();
      boolean failed;
      try {
        client.startHandshake();
        failed = false;
      } catch (IOException e) {
        failed = true;
      }
      assertThat(failed).isTrue();
      // A refused connect ends it at once, not at the 5 s connect timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(metrics())
        .contains("bollard_passthrough_connections_total{result=\"failed\"} 1.0"));
  }

  /** Reads until the connection ends; true if it did (end of stream or reset) in time. */
  private static boolean endOfStream(InputStream in) throws IOException {
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketException | javax.net.ssl.SSLException reset) {
      return true;
    }
  }

  private static SSLSocket tls(int port, String host) throws Exception {
    SSLSocket socket = (SSLSocket) TlsProbe.trustAll().getSocketFactory()
        .createSocket(LOOPBACK, port);
    socket.setSoTimeout(5_000);
    withSni(socket, host);
    return socket;
  }

  private static void withSni(SSLSocket socket, String host) {
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(host)));
    socket.setSSLParameters(parameters);
  }

  private int backendPort() {
    return ((InetSocketAddress) backend.localAddress()).getPort();
  }

  private String metrics() throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(
        "http://127.0.0.1:" + runtime.adminPort() + "/metrics").toURL().openConnection();
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static double sample(String metrics, String name) {
    return metrics.lines().filter(l -> l.startsWith(name + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(name.length() + 1))).orElse(0.0);
  }

  private void start(boolean passthrough, int backendPort, String moreManifests)
      throws Exception {
    Files.writeString(manifests.resolve("demo.yaml"), """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: secure
          namespace: shop
          annotations:
            nginx.ingress.kubernetes.io/ssl-passthrough: "true"
        spec:
          ingressClassName: bollard
          tls:
            - hosts: [secure.localhost]
          rules:
            - host: secure.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: secure
                        port:
                          number: 443
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: app
          namespace: shop
        spec:
          ingressClassName: bollard
          rules:
            - host: app.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: app
                        port:
                          number: 80
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: app
          namespace: shop
        spec:
          ports:
            - {name: http, port: 80, targetPort: 8080}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: secure
          namespace: shop
        spec:
          ports:
            - name: https
              port: 443
              targetPort: https
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: secure-1
          namespace: shop
          labels:
            kubernetes.io/service-name: secure
        addressType: IPv4
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions:
              ready: true
        ports:
          - name: https
            port: %d
        %s""".formatted(backendPort, moreManifests));
    SettingValues flags = SettingValues.DEFAULTS
        .with(Catalog.ENABLE_SSL_PASSTHROUGH, passthrough)
        .with(Catalog.CLIENT_HEADER_TIMEOUT, headerTimeout)
        .with(Catalog.READ_TIMEOUT, readTimeout);
    StandaloneSettings settings = new StandaloneSettings(manifests,
        ServerSettings.defaults(new InetSocketAddress(LOOPBACK, 0)), flags,
        new InetSocketAddress(LOOPBACK, 0), IngressClassSelection.defaults(), null,
        Duration.ofMillis(50), Duration.ofMillis(500),
        new ConfigFamily(ResourceStore.DEFAULT_NAMESPACE, ConfigFamily.DEFAULT_NAME), -1);
    runtime = standalone.start(settings);
  }

  /** Echoes what it receives; records the SNI name of each handshake. */
  private final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
        if (!backendReads) {
          ctx.channel().config().setAutoRead(false);
        }
        ExtendedSSLSession session = (ExtendedSSLSession) ctx.pipeline().get(SslHandler.class)
            .engine().getSession();
        for (SNIServerName name : session.getRequestedServerNames()) {
          if (name instanceof SNIHostName host) {
            backendSni.add(host.getAsciiName());
          }
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
