package dev.bollard.proxy.handler;

import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.accesslog.RequestSink;
import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.clientip.ProxyProtocolGate;
import dev.bollard.proxy.clientip.RealIpPolicy;
import dev.bollard.proxy.config.EdgeSettings;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.guard.NoIndexHeaders;
import dev.bollard.proxy.headers.HeaderRules;
import dev.bollard.proxy.headers.RequestIds;
import dev.bollard.proxy.metrics.ProxyMetrics;
import dev.bollard.proxy.routing.RouteMatch;
import dev.bollard.proxy.tls.EdgeTls;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * What the proxy adds around each request: the real client address, the request id and start
 * time, header rules, captured upstream headers, and the one access-log line and metrics sample
 * when the request completes. One per listener, shared by its connections.
 */
public final class RequestTelemetry {

  /** Logs and measures nothing; the request id and header rules still apply. */
  public static final RequestTelemetry NONE = new RequestTelemetry(RequestSink.NONE, null);

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

  private final RequestSink sink;
  private final @Nullable ProxyMetrics metrics;
  private volatile Policy policy = new Policy(GlobalSettings.DEFAULTS);

  /**
   * @param sink receives every completed request (the access log)
   * @param metrics also receives every completed request, and counts connections; or {@code null}
   */
  public RequestTelemetry(RequestSink sink, @Nullable ProxyMetrics metrics) {
    this.sink = metrics == null ? sink : sink.andThen(metrics);
    this.metrics = metrics;
  }

  /**
   * A client connection was accepted: counts it, and returns the PROXY protocol step for its
   * pipeline when the active config asks for one, else {@code null}. Its close must be reported
   * through {@link #connectionClosed} (the server's {@link ClientConnections} does it when the
   * connection leaves: no close-future listener per connection).
   */
  public @Nullable ProxyProtocolGate accepted(GlobalSettings settings) {
    ProxyMetrics m = metrics;
    if (m != null) {
      m.connectionOpened();
    }
    return settings.useProxyProtocol() ? new ProxyProtocolGate(policy(settings).realIp.trusted())
        : null;
  }

  /** A client connection counted by {@link #accepted} closed. */
  public void connectionClosed() {
    ProxyMetrics m = metrics;
    if (m != null) {
      m.connectionClosed();
    }
  }

  /** Per-settings values, computed once per published settings rather than per request. */
  private static final class Policy {
    final GlobalSettings settings;
    final RealIpPolicy realIp;

    Policy(GlobalSettings s) {
      settings = s;
      EdgeSettings edge = s.edge();
      realIp = new RealIpPolicy(CidrSet.parse(s.realIpCidrs()), s.useForwardedHeaders(),
          edge.enableRealIp(), edge.forwardedForHeader());
    }
  }

  private Policy policy(GlobalSettings s) {
    Policy p = policy;
    if (p.settings != s) {
      p = new Policy(s);
      policy = p;
    }
    return p;
  }

  /** A request head arrived on {@code channel}, served with {@code settings}. */
  RequestContext begin(Channel channel, HttpRequest request, GlobalSettings settings) {
    Policy p = policy(settings);
    InetSocketAddress source = ProxyProtocolGate.source(channel);
    InetAddress sourceAddress = source.getAddress();
    InetAddress client = p.realIp.clientAddress(sourceAddress, request.headers());
    EdgeSettings edge = settings.edge();
    RequestFacts facts = RequestFacts.begin(request, client, edge.log());
    EdgeTls.describe(channel, facts);
    facts.requestId(RequestIds.choose(request.headers(), p.realIp.trusted().contains(sourceAddress),
        edge.generateRequestId()));
    return new RequestContext(facts, sourceAddress, p.realIp, edge.log().capture(), edge.headers());
  }

  /** The request was matched (or not) against the route table. */
  void routed(RequestContext c, RouteMatch match) {
    Route route = match.route();
    String backendId = match.backend() != null ? match.backend().id() : "";
    if (route != null) {
      c.facts.route(route.source().namespace(), route.source().name(), backendId);
      c.capture = c.capture.plus(route.edge().logCapture());
      c.headers = c.headers.plus(route.edge().headers());
    } else {
      c.facts.route("", "", backendId);
    }
  }

  /**
   * Adjusts the head going upstream: forwarded-for, request id and start, request rules.
   *
   * @return {@code upstream}
   */
  HttpRequest prepareUpstream(RequestContext c, HttpRequest clientRequest, HttpRequest upstream) {
    HttpHeaders h = upstream.headers();
    HttpHeaders in = clientRequest.headers();
    RealIpPolicy realIp = c.realIp;
    if (!realIp.forwardedForHeader().equals("x-forwarded-for")) {
      h.remove(realIp.forwardedForHeader());
    }
    h.set(X_FORWARDED_FOR, realIp.forwardedFor(c.source, in));
    if (realIp.keepsForwardedProto(c.source)) {
      for (String name : new String[] {"x-forwarded-proto", "x-forwarded-host",
          "x-forwarded-port"}) {
        String given = in.get(name);
        if (given != null) {
          h.set(name, given);
        }
      }
    }
    RequestIds.applyUpstream(h, c.facts.requestIdValue(), c.facts.startMicros());
    c.headers.applyToRequest(h);
    return upstream;
  }

  /**
   * Adjusts the response head going to the client: capture, response rules, request id, and
   * {@code X-Robots-Tag} for a guarded host.
   */
  void prepareResponse(RequestContext c, HttpResponse response) {
    HttpHeaders h = response.headers();
    c.capture.capture(h, c.facts, c.facts.settings().maxValueLength());
    c.headers.applyToResponse(h);
    RequestIds.applyResponse(h, c.facts.requestIdValue());
    NoIndexHeaders.mark(response, c.guarded);
  }

  /**
   * Adjusts a response the proxy makes itself (404, 502 …): response rules, request id, and
   * {@code X-Robots-Tag} for a guarded host.
   */
  void prepareLocalResponse(RequestContext c, HttpResponse response) {
    c.headers.applyToResponse(response.headers());
    RequestIds.applyResponse(response.headers(), c.facts.requestIdValue());
    NoIndexHeaders.mark(response, c.guarded);
  }

  /**
   * The validator answered a request itself (400, 414, 431 …): one line for it too. A request
   * whose bytes never made a head is logged with method and URI {@code -}, as nginx does.
   */
  void rejected(Channel channel, RequestValidator.RequestRejected rejection,
      GlobalSettings settings) {
    HttpRequest head = rejection.head();
    completed(begin(channel, head != null ? head : UNPARSED, settings), rejection.status());
  }

  private static final HttpRequest UNPARSED =
      new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf("-"), "-");

  /** The request is over with {@code status}; the first call logs it. */
  void completed(RequestContext c, int status) {
    if (c.facts.complete(status)) {
      sink.completed(c.facts);
    }
  }

  /** Per request: the facts plus the effective capture and header rules of its route. */
  static final class RequestContext {
    final RequestFacts facts;
    final InetAddress source;
    final RealIpPolicy realIp;
    CaptureRules capture;
    HeaderRules headers;
    /** Whether the guard applies to the request: its responses carry {@code X-Robots-Tag}. */
    boolean guarded;

    RequestContext(RequestFacts facts, InetAddress source, RealIpPolicy realIp,
        CaptureRules capture, HeaderRules headers) {
      this.facts = facts;
      this.source = source;
      this.realIp = realIp;
      this.capture = capture;
      this.headers = headers;
    }
  }
}
