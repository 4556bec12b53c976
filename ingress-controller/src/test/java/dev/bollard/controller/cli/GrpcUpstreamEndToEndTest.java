package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.testing.GrpcEcho;
import dev.bollard.controller.testing.TestCa;
import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backend-protocol: GRPC} and {@code GRPCS} from manifest files to a real gRPC server
 * (grpc-java) through a real standalone Bollard, seen from a client that speaks gRPC's framing
 * over HTTP/1.1 (chunked bodies, trailers): what Bollard does towards the upstream (HTTP/2 in clear
 * text or TLS, pooled streams, trailers, deadlines, gRPC errors) without depending on how the
 * client reached it. {@code GrpcEndToEndTest} does the same with a real gRPC client over HTTP/2.
 */
class GrpcUpstreamEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final String NAME = "grpc.internal";

  @TempDir static Path manifests;
  private static GrpcEcho plain;
  private static GrpcEcho secure;

  @RegisterExtension static final StandaloneFixture STANDALONE = new StandaloneFixture();
  private static ProxyProcess runtime;

  @BeforeAll
  static void start() throws Exception {
    TestCa ca = TestCa.root("gRPC test CA");
    plain = GrpcEcho.plain();
    secure = GrpcEcho.tls(ca.issue(NAME));
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      closed = s.getLocalPort();
    }
    Files.writeString(manifests.resolve("grpc.yaml"), manifests(ca, closed));
    runtime = STANDALONE.start(manifests);
  }

  @AfterAll
  static void stop() {
    plain.close();
    secure.close();
  }

  @Test
  void aUnaryCallGoesToTheGrpcServerOverHttp2AndItsTrailersComeBack() throws IOException {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse r = call(c, "grpc.localhost", "Unary", null, frame("hello"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("content-type")).isEqualTo("application/grpc");
      assertThat(r.header("x-echo-header")).isEqualTo("yes");
      assertThat(messages(r.body())).containsExactly("hello");
      assertThat(r.trailer("grpc-status")).isEqualTo("0");
      assertThat(r.trailer("x-echo-trailer")).isEqualTo("done");
    }
  }

  @Test
  void callsOfOneClientConnectionReuseOneUpstreamConnection() throws IOException {
    int connections = plain.connections();
    int calls = plain.calls();
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      for (int i = 0; i < 10; i++) {
        assertThat(messages(call(c, "grpc.localhost", "Unary", null, frame("m" + i)).body()))
            .containsExactly("m" + i);
      }
    }
    assertThat(plain.calls()).isEqualTo(calls + 10);
    // One client connection is served by one event loop, whose pool opens at most one HTTP/2
    // connection (none if an earlier test's is still there); without pooling it would be ten.
    assertThat(plain.connections() - connections).isLessThanOrEqualTo(1);
  }

  @Test
  void serverStreamingRelaysEveryMessage() throws IOException {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse r = call(c, "grpc.localhost", "Split", null, frame("3"));
      assertThat(messages(r.body())).containsExactly("part-1", "part-2", "part-3");
      assertThat(r.trailer("grpc-status")).isEqualTo("0");
    }
  }

  @Test
  void clientStreamingSendsEveryMessage() throws IOException {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse r = call(c, "grpc.localhost", "Concat", null, frame("a"), frame("bc"),
          frame("def"));
      assertThat(messages(r.body())).containsExactly("abcdef");
      assertThat(r.trailer("grpc-status")).isEqualTo("0");
    }
  }

  @Test
  void bidiStreamingAnswersEachMessageBeforeTheRequestEnds() throws IOException {
    try (Socket socket = new Socket(LOOPBACK, runtime.proxyPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(head("grpc.localhost", "Chat", null).getBytes(StandardCharsets.US_ASCII));
      ChunkedReader reader = null;
      for (String word : List.of("one", "two", "three")) {
        writeChunk(out, frame(word));
        if (reader == null) {
          reader = new ChunkedReader(in);
          assertThat(reader.statusLine).startsWith("HTTP/1.1 200");
        }
        // The answer to this message arrives while the request is still open.
        assertThat(reader.message()).isEqualTo("echo:" + word);
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(reader.trailers()).contains("grpc-status: 0");
    }
  }

  @Test
  void aFailedCallKeepsItsStatusMessageAndCustomTrailers() throws IOException {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse r = call(c, "grpc.localhost", "Fail", null, frame("x"));
      assertThat(r.status()).isEqualTo(200);
      // Trailers-Only: the server's single HEADERS frame comes as one head.
      assertThat(field(r, "grpc-status")).isEqualTo("8");
      assertThat(field(r, "grpc-message")).isEqualTo("quota: 0 left");
      assertThat(field(r, "x-reason")).isEqualTo("quota");
    }
  }

  @Test
  void aTenMegabyteMessageGoesBothWaysByteForByte() throws IOException {
    byte[] payload = new byte[10 * 1024 * 1024];
    new Random(18).nextBytes(payload);
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse r = call(c, "grpc.localhost", "Unary", null, frame(payload));
      assertThat(r.trailer("grpc-status")).isEqualTo("0");
      assertThat(r.body()).hasSize(payload.length + 5);
      assertThat(java.util.Arrays.copyOfRange(r.body(), 5, r.body().length)).isEqualTo(payload);
    }
  }

  @Test
  void aMessageOverProxyBodySizeIsResourceExhausted() throws Exception {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      c.send(head("grpcs.localhost", "Unary", null));
      // Written aside: the proxy answers once the body passes 1 MiB and stops reading soon after.
      Thread writer = new Thread(() -> {
        try {
          writeChunk(c.output(), frame(new byte[2 * 1024 * 1024]));
        } catch (IOException e) {
          // expected once the proxy stopped reading
        }
      });
      writer.setDaemon(true);
      writer.start();
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("grpc-status")).isEqualTo("8");
      assertThat(r.header("grpc-message")).contains("proxy-body-size");
    }
  }

  @Test
  void aPassedGrpcTimeoutIsDeadlineExceededFromTheProxy() throws IOException {
    long start = System.nanoTime();
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse r = call(c, "grpc.localhost", "Hang", "300m", frame("x"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(field(r, "grpc-status")).isEqualTo("4");
      assertThat(field(r, "grpc-message")).contains("deadline");
    }
    // Well before the route's read timeout (60 s).
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aBackendThatIsDownIsUnavailableAsAGrpcStatusNotAnHtmlPage() throws IOException {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse r = call(c, "down.localhost", "Unary", null, frame("x"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("content-type")).isEqualTo("application/grpc");
      assertThat(r.header("grpc-status")).isEqualTo("14");
      assertThat(r.header("grpc-message")).contains("502 Bad Gateway");
      assertThat(r.body()).isEmpty();
    }
  }

  @Test
  void aRouteWithoutEndpointsIsUnavailableToo() throws IOException {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse r = call(c, "empty.localhost", "Unary", null, frame("x"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("grpc-status")).isEqualTo("14");
      assertThat(r.header("grpc-message")).contains("no ready endpoints");
    }
  }

  @Test
  void grpcsSpeaksHttp2OverTlsToASelfSignedServerWithVerifyOff() throws IOException {
    int before = secure.calls();
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse r = call(c, "grpcs.localhost", "Unary", null, frame("secret"));
      assertThat(messages(r.body())).containsExactly("secret");
      assertThat(r.trailer("grpc-status")).isEqualTo("0");
    }
    assertThat(secure.calls()).isEqualTo(before + 1);
  }

  @Test
  void grpcsVerifiesWithTheProxySslSecretsCaAndRefusesAWrongName() throws IOException {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      RawResponse ok = call(c, "grpcs-verified.localhost", "Unary", null, frame("checked"));
      assertThat(messages(ok.body())).containsExactly("checked");
      RawResponse wrong = call(c, "grpcs-wrong-name.localhost", "Unary", null, frame("x"));
      assertThat(wrong.header("grpc-status")).isEqualTo("14");
    }
  }

  @Test
  void grpcsToAPlainServerFailsAsUnavailable() throws IOException {
    try (RawHttpConnection c = RawHttpConnection.open(runtime.proxyPort())) {
      assertThat(call(c, "grpcs-to-plain.localhost", "Unary", null, frame("x"))
          .header("grpc-status")).isEqualTo("14");
    }
  }

  // ---- the client side ----------------------------------------------------------------------

  private static RawResponse call(RawHttpConnection c, String host, String method,
      String timeout, byte[]... frames) throws IOException {
    c.send(head(host, method, timeout));
    for (byte[] f : frames) {
      writeChunk(c.output(), f);
    }
    c.send("0\r\n\r\n");
    return c.read();
  }

  private static String head(String host, String method, String timeout) {
    return "POST /" + GrpcEcho.SERVICE + "/" + method + " HTTP/1.1\r\nHost: " + host
        + "\r\nContent-Type: application/grpc\r\nTE: trailers\r\nTransfer-Encoding: chunked\r\n"
        + (timeout == null ? "" : "grpc-timeout: " + timeout + "\r\n") + "\r\n";
  }

  private static void writeChunk(OutputStream out, byte[] data) throws IOException {
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** A header, or for a response with a body the trailer, of that name. */
  private static String field(RawResponse r, String name) {
    String header = r.header(name);
    return header != null ? header : r.trailer(name);
  }

  static byte[] frame(String text) {
    return frame(text.getBytes(StandardCharsets.UTF_8));
  }

  /** One gRPC length-prefixed message: not compressed, 4-byte big-endian length, the bytes. */
  static byte[] frame(byte[] message) {
    return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length)
        .put(message).array();
  }

  static List<String> messages(byte[] body) {
    List<String> out = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(body);
    while (in.hasRemaining()) {
      in.get();
      byte[] message = new byte[in.getInt()];
      in.get(message);
      out.add(new String(message, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Reads a chunked response one gRPC message at a time, for the full-duplex call. */
  private static final class ChunkedReader {
    private final InputStream in;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    final String statusLine;

    ChunkedReader(InputStream in) throws IOException {
      this.in = in;
      this.statusLine = line();
      while (!line().isEmpty()) {
        // the head
      }
    }

    String message() throws IOException {
      while (true) {
        byte[] have = pending.toByteArray();
        if (have.length >= 5) {
          int length = ByteBuffer.wrap(have, 1, 4).getInt();
          if (have.length >= 5 + length) {
            pending.reset();
            pending.write(have, 5 + length, have.length - 5 - length);
            return new String(have, 5, length, StandardCharsets.UTF_8);
          }
        }
        int size = Integer.parseInt(line().split(";")[0].trim(), 16);
        if (size == 0) {
          throw new EOFException("the response ended");
        }
        pending.write(in.readNBytes(size));
        line();
      }
    }

    String trailers() throws IOException {
      assertThat(line()).isEqualTo("0");
      StringBuilder out = new StringBuilder();
      for (String l = line(); !l.isEmpty(); l = line()) {
        out.append(l.toLowerCase(java.util.Locale.ROOT)).append('\n');
      }
      return out.toString();
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("closed after: " + line);
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  // ---- the manifests ------------------------------------------------------------------------

  private static String manifests(TestCa ca, int closed) {
    String grpc = "nginx.ingress.kubernetes.io/backend-protocol: GRPC";
    String grpcs = "nginx.ingress.kubernetes.io/backend-protocol: GRPCS";
    String verify = "nginx.ingress.kubernetes.io/proxy-ssl-verify: \"on\"";
    String secret = "nginx.ingress.kubernetes.io/proxy-ssl-secret: shop/grpc-ca";
    return TestManifests.service("plain", plain.port())
        + TestManifests.service("secure", secure.port())
        + TestManifests.service("down", closed)
        + TestManifests.service("empty")
        + """
        apiVersion: v1
        kind: Secret
        metadata: {name: grpc-ca, namespace: shop}
        stringData:
          ca.crt: |
        %s
        ---
        """.formatted(ca.certificatePem().strip().indent(4))
        + ingress("grpc", "plain", grpc,
            "nginx.ingress.kubernetes.io/proxy-body-size: 16m")
        + ingress("down", "down", grpc)
        + ingress("empty", "empty", grpc)
        + ingress("grpcs", "secure", grpcs)
        + ingress("grpcs-verified", "secure", grpcs, verify, secret,
            "nginx.ingress.kubernetes.io/proxy-ssl-name: " + NAME)
        + ingress("grpcs-wrong-name", "secure", grpcs, verify, secret,
            "nginx.ingress.kubernetes.io/proxy-ssl-name: other.internal")
        + ingress("grpcs-to-plain", "plain", grpcs);
  }

  private static String ingress(String name, String service, String... annotations) {
    StringBuilder block = new StringBuilder("  annotations:\n");
    for (String annotation : annotations) {
      block.append("    ").append(annotation).append('\n');
    }
    return TestManifests.ingress(name, name, service, block.toString());
  }
}
