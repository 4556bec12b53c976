package dev.bollard.proxy.step;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.LimitStatus;
import dev.bollard.proxy.guard.GuardVerdict;
import io.netty.handler.codec.http.HttpRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (the name does not end in {@code Test}): the heap a {@link RateLimiter}'s
 * client table retains after a flood of distinct client addresses (issue 16: a spoofed-address
 * flood must not grow memory without bound), reported on standard output as {@code MEASURE} lines
 * for docs/benchmarks.md. Run it with {@code -Dtest=RateLimitTableMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false}; system property {@code addresses} (default 1,000,000).
 *
 * <p>For IPv4 and then IPv6: one limiter ({@code limit-rps 1000}, never refusing here) sees one
 * request from each of {@code addresses} distinct addresses, as fast as one thread can send them
 * (so nothing expires by age: only the table's size bound evicts); then the heap after full
 * collections with the limiter still reachable, less the heap after the same collections once it
 * is dropped, is what the table retains.
 */
class RateLimitTableMeasurement {

  @Test
  void measure() throws Exception {
    int addresses = Integer.getInteger("addresses", 1_000_000);
    for (boolean v6 : new boolean[] {false, true}) {
      measure(addresses, v6);
    }
  }

  private static void measure(int addresses, boolean v6) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = settledHeap(memory);
    RateLimiter limiter = new RateLimit(1000, 0, 5, 0, CidrSet.EMPTY).newStep(LimitStatus.DEFAULTS);
    Req request = new Req();
    long start = System.nanoTime();
    for (int i = 0; i < addresses; i++) {
      request.client = address(i, v6);
      if (limiter.decide(request) != StepOutcome.PASS) {
        throw new AssertionError("refused " + request.client);
      }
    }
    long nanos = System.nanoTime() - start;
    limiter.cleanUp();
    long held = settledHeap(memory);
    long entries = limiter.clients();
    // Keep the limiter reachable until the heap was measured.
    System.out.println("MEASURE " + (v6 ? "ipv6" : "ipv4") + " addresses=" + addresses
        + " entries=" + entries + " retained_bytes=" + (held - before)
        + " bytes_per_entry=" + ((held - before) / Math.max(1, entries))
        + " ns_per_request=" + (nanos / addresses) + " limiter=" + limiter.name());
  }

  private static InetAddress address(int i, boolean v6) throws UnknownHostException {
    if (!v6) {
      return InetAddress.getByAddress(new byte[] {
          (byte) (10 + (i >>> 24)), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
    }
    byte[] b = new byte[16];
    b[0] = 0x20;
    b[1] = 0x01;
    b[2] = 0x0d;
    b[3] = (byte) 0xb8;
    b[12] = (byte) (i >>> 24);
    b[13] = (byte) (i >>> 16);
    b[14] = (byte) (i >>> 8);
    b[15] = (byte) i;
    return InetAddress.getByAddress(b);
  }

  /** The used heap after collections have stopped freeing anything. */
  private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(100);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used >= last) {
        return used;
      }
      last = used;
    }
    return last;
  }

  /** Only the client address is read by the limiter without {@code limit-connections}. */
  private static final class Req implements StepRequest {
    InetAddress client;

    @Override
    public HttpRequest head() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String authority() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String host() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String path() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String rawPath() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String originUri() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean secure() {
      return false;
    }

    @Override
    public InetAddress client() {
      return client;
    }

    @Override
    public RequestFacts facts() {
      throw new UnsupportedOperationException();
    }

    @Override
    public StepServices services() {
      throw new UnsupportedOperationException();
    }

    @Override
    public GuardVerdict guardVerdict() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void guardVerdict(GuardVerdict verdict) {
      throw new UnsupportedOperationException();
    }
  }
}
