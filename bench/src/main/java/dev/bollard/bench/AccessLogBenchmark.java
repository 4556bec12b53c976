package dev.bollard.bench;

import dev.bollard.proxy.accesslog.AccessLog;
import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.accesslog.LineEncoder;
import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.accesslog.RequestFacts;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The access log's cost per request, in its two halves.
 *
 * <ul>
 *   <li>{@link #eventLoopCapture}: what the event loop pays: {@link RequestFacts#begin}, the route
 *       and upstream facts, and {@link CaptureRules#capture} of one header ({@code X-Log-User}, as
 *       the harness's access-log scenario) from a nine-header upstream response, stripping it.
 *       The stripped header is put back afterwards (one {@code add}, included).
 *   <li>{@link #encodeLine}: the formatting alone, on the benchmark thread: {@link LineEncoder}
 *       (what the writer thread runs) turning one completed request into JSON or text-template
 *       bytes in its reused buffer; the buffer is cleared every 1,000 lines, as the writer does
 *       after each write.
 * </ul>
 *
 * <p>There is no benchmark through the writer thread itself: the writer is not woken per line
 * but drains the queue every few milliseconds, so timing a hand-over until "written" measures
 * that deliberate wait, not the cost. The load harness's access-log scenario shows the whole.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AccessLogBenchmark {

  private static final int BATCH = 1000;

  @Param({"JSON", "TEXT"})
  public AccessLog.Format format;

  private final InetAddress client = InetAddress.getLoopbackAddress();
  private HttpRequest request;
  private HttpHeaders response;
  private LogSettings settings;
  private final RequestFacts[] completed = new RequestFacts[BATCH];
  private LineEncoder encoder;
  private int encoded;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        "/products/42?page=2&sort=price");
    request.headers()
        .add("Host", "shop.example.com")
        .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
        .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .add("Accept-Language", "en-US,en;q=0.5")
        .add("Accept-Encoding", "gzip, deflate, br")
        .add("Referer", "https://shop.example.com/products?page=1")
        .add("Cookie", "_session_id=0123456789abcdef0123456789abcdef; locale=en");
    response = new DefaultHttpHeaders()
        .add("Server", "nginx")
        .add("Date", "Wed, 25 Nov 2026 20:00:00 GMT")
        .add("Content-Type", "text/html; charset=utf-8")
        .add("Content-Length", "1024")
        .add("Cache-Control", "max-age=0, private, must-revalidate")
        .add("ETag", "W/\"5f2b6a3c\"")
        .add("X-Request-Id", "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
        .add("X-Runtime", "0.012345")
        .add("X-Log-User", "42");
    settings = LogSettings.DEFAULTS.withCapture(
        CaptureRules.parse(List.of("X-Log-User:user_id"), List.of(), false));
    for (int i = 0; i < BATCH; i++) {
      RequestFacts facts = facts();
      completed[i] = facts;
    }
    if (completed[0].status() != 200) {
      throw new IllegalStateException("the benchmark request was not completed");
    }
    encoder = new LineEncoder(format, 1024 * 1024);
    encoder.append(completed[0]);
    boolean captured = encoder.toString().contains("\"user_id\":\"42\"");
    if (encoder.size() < 200 || (format == AccessLog.Format.JSON && !captured)) {
      throw new IllegalStateException("unexpected benchmark line: " + encoder);
    }
    encoder.clear();
  }

  private RequestFacts facts() {
    RequestFacts facts = RequestFacts.begin(request, client, settings);
    facts.requestId("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    facts.route("shop", "storefront", "shop/storefront:80");
    facts.upstreamStarted();
    facts.upstreamConnected("10.0.0.12:3000");
    facts.upstreamResponded(200);
    settings.capture().capture(response, facts, settings.maxValueLength());
    response.add("X-Log-User", "42");
    facts.responseHeadBytes(280);
    facts.bytesOut(1024);
    facts.complete(200);
    return facts;
  }

  @Benchmark
  public RequestFacts eventLoopCapture() {
    return facts();
  }

  @Benchmark
  public int encodeLine() {
    RequestFacts f = completed[encoded];
    if (++encoded == BATCH) {
      encoded = 0;
      encoder.clear();
    }
    encoder.append(f);
    return encoder.size();
  }
}
