package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingress-nginx's {@code limit-rate} and {@code limit-rate-after} (kilobytes, nginx's {@code
 * limit_rate}/{@code limit_rate_after}) and the ConfigMap's {@code limit-rate}, from YAML to the
 * wire through a real Bollard: the backend streams a body as fast as it can, and the client's
 * clock says how fast it came.
 *
 * <p>The lower bounds are exact consequences of nginx's arithmetic, not statistics: at {@code t}
 * seconds after the response head, at most {@code after + rate * (t + 1)} body bytes have left the
 * proxy, and the client's clock starts before the proxy's. So a body of {@code n} bytes cannot end
 * before {@code (n - after) / rate - 1} seconds; a 5 % margin covers timer rounding only. The upper
 * bounds are generous (several times the paced time), to fail only when pacing stalls.
 */
class ResponseRateEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  @TempDir Path manifests;
  private TestBackend oneMib;
  private TestBackend threeQuarters;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private @Nullable ProxyProcess runtime;

  @BeforeEach
  void start() throws Exception {
    oneMib = TestBackend.start("one-mib", TestBackend.streaming(MIB));
    threeQuarters = TestBackend.start("three-quarters", TestBackend.streaming(768 * KIB));
    Files.writeString(manifests.resolve("all.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v1
          labels: {bollard.dev/config: bollard, bollard.dev/config-version: "1"}
        data:
          limit-rate: "256"
        ---
        """
        + TestManifests.ingress("paced", "one-mib", "")
        + TestManifests.ingress("after", "three-quarters",
            "    nginx.ingress.kubernetes.io/limit-rate: \"128\"\n"
            + "    nginx.ingress.kubernetes.io/limit-rate-after: \"512\"\n")
        + TestManifests.ingress("free", "one-mib", "    nginx.ingress.kubernetes.io/limit-rate: \"0\"\n")
        + TestManifests.service("one-mib", oneMib.port())
        + TestManifests.service("three-quarters", threeQuarters.port()));
    runtime = standalone.start(manifests);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(
        () -> runtime.currentSnapshot().settings().responseRate().bytesPerSecond() == 256 * KIB);
  }

  @AfterEach
  void stop() {
    oneMib.close();
    threeQuarters.close();
  }

  @Test
  void aMebibyteAt256KilobytesPerSecondTakesAtLeastThreeSeconds() throws Exception {
    // The ConfigMap's limit-rate: (1 MiB - 256 KiB) / 256 KiB/s - nothing before = 3 s.
    Transfer t = fetch("paced.localhost", 512 * KIB);
    assertThat(t.bodyBytes()).isEqualTo(MIB);
    assertThat(t.totalNanos()).isGreaterThanOrEqualTo(seconds(3.0 * 0.95));
    assertThat(t.totalNanos()).isLessThan(seconds(20));
  }

  @Test
  void limitRateAfterLetsTheFirstBytesThroughAtOnce() throws Exception {
    // 512 KiB free, then 128 KiB/s (with nginx's first second): at least (768 - 512 - 128) / 128
    // = 1 s in all, but the first 512 KiB without waiting: at 128 KiB/s alone they could not
    // arrive before (512 - 128) / 128 = 3 s, so anything under that shows limit-rate-after at work.
    Transfer t = fetch("after.localhost", 512 * KIB);
    assertThat(t.bodyBytes()).isEqualTo(768 * KIB);
    assertThat(t.markNanos()).isLessThan(seconds(2.5));
    assertThat(t.totalNanos()).isGreaterThanOrEqualTo(seconds(1.0 * 0.95));
    assertThat(t.totalNanos()).isLessThan(seconds(15));
  }

  @Test
  void anIngresssZeroLiftsTheConfigMapsLimit() throws Exception {
    // At 256 KiB/s this would take 3 s at least.
    Transfer t = fetch("free.localhost", 512 * KIB);
    assertThat(t.bodyBytes()).isEqualTo(MIB);
    assertThat(t.totalNanos()).isLessThan(seconds(2));
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  /**
   * How long a response took on the client's clock, from before the request was sent: to the end
   * ({@code totalNanos}) and until {@code mark} bytes of the response had arrived ({@code
   * markNanos}).
   */
  record Transfer(long bodyBytes, long markNanos, long totalNanos) {}

  private Transfer fetch(String host, int mark) throws IOException {
    try (Socket socket = new Socket(LOOPBACK, runtime.proxyPort())) {
      socket.setSoTimeout(30_000);
      long start = System.nanoTime();
      socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream(2 * MIB);
      byte[] buffer = new byte[16 * KIB];
      long markNanos = -1;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
        if (markNanos < 0 && all.size() >= mark) {
          markNanos = System.nanoTime() - start;
        }
      }
      long total = System.nanoTime() - start;
      return new Transfer(chunkedBodyLength(all.toByteArray()), markNanos, total);
    }
  }

  /** The length of the chunked body of the one response in {@code raw}. */
  private static long chunkedBodyLength(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    assertThat(text).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
    int at = text.indexOf("\r\n\r\n") + 4;
    long body = 0;
    while (true) {
      int eol = text.indexOf("\r\n", at);
      int size = Integer.parseInt(text.substring(at, eol).strip(), 16);
      if (size == 0) {
        return body;
      }
      body += size;
      at = eol + 2 + size + 2;
    }
  }
}
