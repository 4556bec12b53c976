package dev.bollard.proxy.handler;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static org.awaitility.Awaitility.await;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (the name does not end in {@code Test}): what 2,000 clients that stall
 * mid-body cost, reported on standard output as {@code MEASURE} lines, for docs/benchmarks.md.
 * Run it with {@code -Dtest=SlowClientsMeasurement -Dsurefire.failIfNoSpecifiedTests=false};
 * environment {@code M_SENT} (body bytes each client sends before stalling, default 10) and
 * {@code M_OFF=true} (request buffering off).
 *
 * <p>Each client sends {@code Content-Length: 100000} with {@code Expect: 100-continue}, waits for
 * the {@code 100 Continue} (so the proxy has routed it), sends its bytes and stalls.
 */
class SlowClientsMeasurement {

  @Test
  void measure() throws Exception {
    int clients = Integer.getInteger("clients", 2000);
    int sent = Integer.parseInt(System.getenv().getOrDefault("M_SENT", "10"));
    boolean on = !"true".equals(System.getenv("M_OFF"));
    try (TestBackend echo = TestBackend.start("echo", TestBackend.echo());
        ProxyFixture proxy = ProxyFixture.start()) {
      GlobalSettings d = GlobalSettings.DEFAULTS;
      proxy.publish(Snapshots.of(Snapshots.host("echo.test", backend("test/echo:80", echo)))
          .withSettings(new GlobalSettings(1 << 20, ProxyFixture.TEST_TIMEOUTS, false, List.of(),
              false, d.hsts(), true, d.auth(), d.edge(),
              on ? BodyBuffering.DEFAULTS : BodyBuffering.OFF)));
      report("before", proxy, echo);
      List<Socket> sockets = new ArrayList<>();
      byte[] request = ("POST / HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 100000\r\n"
          + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] body = "x".repeat(sent).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < clients; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        int matched = 0;
        while (matched < 4) {
          int b = s.getInputStream().read();
          matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : 0;
        }
        s.getOutputStream().write(body);
        s.getOutputStream().flush();
        sockets.add(s);
      }
      long expected = on ? Math.max(0, (long) clients * (sent - 8192)) : 0;
      await().atMost(Duration.ofSeconds(30)).until(
          () -> proxy.server().bodyFiles().inUse() >= expected
              && (on || echo.openConnections() >= clients));
      report("after " + clients + " clients sent " + sent + " bytes (buffering " + on + ")",
          proxy, echo);
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  private static void report(String when, ProxyFixture proxy, TestBackend echo) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    String direct = "?";
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
      direct = "used direct " + p.metric().usedDirectMemory() + " heap-bufs "
          + p.metric().usedHeapMemory();
    }
    System.out.println("MEASURE " + when + ": heap " + heap + " " + direct + " allocator "
        + ByteBufAllocator.DEFAULT.getClass().getSimpleName() + " files "
        + proxy.server().bodyFiles().inUse() + " backend connections "
        + echo.openConnections());
  }
}
