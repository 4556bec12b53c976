package dev.bollard.proxy.server;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import java.io.OutputStream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies four times the test heap (surefire runs with -Xmx256m) pass both ways: only streaming with
 * backpressure can do that.
 */
class ProxyStreamingTest {

  private static final long ONE_GIB = 1L << 30;

  private TestBackend sink;
  private TestBackend source;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    sink = TestBackend.start("sink", TestBackend.countingSink());
    source = TestBackend.start("source", TestBackend.streaming(ONE_GIB));
    proxy = ProxyFixture.start();
    proxy.publish(Snapshots.of(
        host("up.test", backend("test/sink:80", sink)),
        host("down.test", backend("test/source:80", source))));
  }

  @AfterEach
  void stop() {
    proxy.close();
    sink.close();
    source.close();
  }

  @Test
  void requestBodyLargerThanTheHeapStreamsUp() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).isLessThan(ONE_GIB);
    CRC32 crc = new CRC32();
    try (RawHttpConnection c = proxy.connect()) {
      c.send("POST /upload HTTP/1.1\r\nHost: up.test\r\nContent-Length: " + ONE_GIB + "\r\n\r\n");
      byte[] chunk = new byte[256 * 1024];
      OutputStream out = c.output();
      for (long sent = 0; sent < ONE_GIB; sent += chunk.length) {
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = (byte) ((sent + i) % 251);
        }
        crc.update(chunk);
        out.write(chunk);
      }
      out.flush();
      RawResponse r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("received " + ONE_GIB + " crc " + crc.getValue());
    }
  }

  @Test
  void responseBodyLargerThanTheHeapStreamsDown() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).isLessThan(ONE_GIB);
    PatternCheck check = new PatternCheck();
    try (RawHttpConnection c = proxy.connect()) {
      RawResponse r = c.get("down.test", "/download").readStreaming(check);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyLength()).isEqualTo(ONE_GIB);
      assertThat(check.mismatches).isZero();
      assertThat(check.offset).isEqualTo(ONE_GIB);
    }
  }

  /** Checks the backend's {@code i % 251} pattern as bytes stream past, keeping none. */
  private static final class PatternCheck extends OutputStream {
    long offset;
    long mismatches;

    @Override
    public void write(int b) {
      if ((byte) b != (byte) (offset++ % 251)) {
        mismatches++;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        if (b[off + i] != (byte) ((offset + i) % 251)) {
          mismatches++;
        }
      }
      offset += len;
    }
  }
}
