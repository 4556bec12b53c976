package dev.bollard.proxy.handler;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.clientcert.HandshakeCertificate;
import dev.bollard.proxy.clientip.ProxyProtocolGate;
import dev.bollard.proxy.clientip.RealIpPolicy;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.EdgeSettings;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.guard.GuardVerdict;
import dev.bollard.proxy.guard.RequestGuard;
import dev.bollard.proxy.headers.RequestIds;
import dev.bollard.proxy.routing.RouteTable;
import dev.bollard.proxy.routing.Routed;
import dev.bollard.proxy.step.AuthReply;
import dev.bollard.proxy.step.StepChain;
import dev.bollard.proxy.step.StepRequest;
import dev.bollard.proxy.step.StepServices;
import dev.bollard.proxy.tls.EdgeTls;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request while it is served: its head, where it was routed, its access-log facts and what its
 * steps recorded. What steps see of it is {@link StepRequest}. Created when the head arrives and
 * touched only by the connection's event loop.
 */
final class ClientRequest implements StepRequest {

  /** The access log's protocol of a request that came on an HTTP/2 stream. */
  private static final String HTTP_2 = "HTTP/2.0";

  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");

  final RequestFacts facts;
  private final RouteTable table;
  private final HttpRequest head;
  /** The peer, or the PROXY protocol source: whose forwarded headers may be trusted. */
  final InetAddress source;
  final RealIpPolicy realIp;
  private final boolean secure;
  private final HandshakeCertificate handshake;
  private final StepServices services;
  private final EventLoop loop;
  private @Nullable RequestTarget target;
  private @Nullable Routed routed;
  private GuardVerdict guardVerdict = RequestGuard.OPEN;
  /** The backend a step chose instead of the route's (a canary), or null. */
  private @Nullable Backend chosen;
  /** The endpoint a step pinned the request to, or null. */
  private @Nullable Endpoint pinned;
  /** The endpoint of the latest upstream try, or null. */
  private @Nullable Endpoint tried;
  /** What the external authentication service answered, or null. */
  private @Nullable AuthReply authReply;

  private ClientRequest(RequestFacts facts, RouteTable table, HttpRequest head,
      InetAddress source, RealIpPolicy realIp, boolean secure, HandshakeCertificate handshake,
      StepServices services, EventLoop loop) {
    this.loop = loop;
    this.facts = facts;
    this.table = table;
    this.head = head;
    this.source = source;
    this.realIp = realIp;
    this.secure = secure;
    this.handshake = handshake;
    this.services = services;
  }

  /**
   * A request whose head just arrived on {@code channel}, served with {@code table}: the real
   * client address, the request id and the TLS side are recorded in its facts. On an HTTP/2
   * stream they are the facts of the stream's connection (its peer or PROXY protocol source, its
   * TLS version and SNI name).
   */
  static ClientRequest begin(Channel channel, HttpRequest head, RouteTable table, boolean secure,
      StepServices services) {
    Channel connection = connectionOf(channel);
    InetAddress source = ProxyProtocolGate.source(connection).getAddress();
    RealIpPolicy realIp = table.realIp();
    InetAddress client = realIp.clientAddress(source, head.headers());
    EdgeSettings edge = table.snapshot().settings().edge();
    RequestFacts facts = RequestFacts.begin(head, client, edge.log());
    EdgeTls.describe(connection, facts);
    if (connection != channel) {
      facts.protocol(HTTP_2);
    }
    facts.requestId(RequestIds.choose(head.headers(), realIp.trusted().contains(source),
        edge.generateRequestId()));
    return new ClientRequest(facts, table, head, source, realIp, secure,
        EdgeTls.clientCertificate(channel, secure), services, channel.eventLoop());
  }

  /**
   * The TCP connection {@code channel} belongs to: the connection of an HTTP/2 stream, else the
   * channel itself (whose {@code parent()} is the listening socket, not a connection).
   */
  static Channel connectionOf(Channel channel) {
    return channel instanceof Http2StreamChannel stream ? stream.parent() : channel;
  }

  /** The route table the request is served with, for its whole life. */
  RouteTable table() {
    return table;
  }

  /** Records where the request goes (and, in the facts, its Ingress and backend). */
  void routed(RequestTarget requestTarget, Routed result) {
    this.target = requestTarget;
    this.routed = result;
    var route = result.route();
    String backendId = result.backend() != null ? result.backend().id() : "";
    if (route != null) {
      facts.route(route.source().namespace(), route.source().name(), backendId);
    } else {
      facts.route("", "", backendId);
    }
    if (!result.steps().policy().accessLog()) {
      facts.skipAccessLog();
    }
  }

  /** The routing result; only after {@link #routed}. */
  Routed routing() {
    Routed r = routed;
    if (r == null) {
      throw new IllegalStateException("request not routed yet");
    }
    return r;
  }

  /**
   * Where the request goes: the backend a step chose ({@link #useBackend}), else the route's;
   * {@code null} when nothing matched. Only after {@link #routed}.
   */
  @Override
  public @Nullable Backend backend() {
    Backend c = chosen;
    return c != null ? c : routing().backend();
  }

  @Override
  public void useBackend(Backend backend) {
    routing();
    this.chosen = Objects.requireNonNull(backend, "backend");
  }

  @Override
  public void pinEndpoint(Endpoint endpoint) {
    routing();
    this.pinned = Objects.requireNonNull(endpoint, "endpoint");
  }

  @Override
  public @Nullable Endpoint pinnedEndpoint() {
    return pinned;
  }

  @Override
  public @Nullable Endpoint endpoint() {
    return tried;
  }

  /** Records the endpoint an upstream try goes to. */
  void tried(Endpoint endpoint) {
    this.tried = endpoint;
  }

  /** The request target; only after {@link #routed}. */
  RequestTarget target() {
    RequestTarget t = target;
    if (t == null) {
      throw new IllegalStateException("request not routed yet");
    }
    return t;
  }

  /** The steps of the request, empty before routing (a request refused before it). */
  StepChain steps() {
    Routed r = routed;
    return r == null ? StepChain.EMPTY : r.steps();
  }

  /**
   * Prepares the upstream's response head for the client: the steps' edits (log capture, header
   * rules, {@code X-Robots-Tag}), then the request id.
   */
  void prepareUpstreamResponse(HttpResponse response) {
    steps().toClient(this, response, true);
    RequestIds.applyResponse(response.headers(), facts.requestIdValue());
  }

  /**
   * Prepares a response the proxy makes itself (404, 502, a step's answer): for a gRPC call an
   * error becomes a gRPC status ({@link GrpcErrors#toTrailersOnly}); then the steps' edits but no
   * log capture, then the request id. Read its status for the access log before.
   */
  void prepareLocalResponse(HttpResponse response) {
    if (response instanceof FullHttpResponse full && GrpcErrors.isGrpc(head)) {
      GrpcErrors.toTrailersOnly(full);
    }
    steps().toClient(this, response, false);
    RequestIds.applyResponse(response.headers(), facts.requestIdValue());
  }

  // ---- StepRequest --------------------------------------------------------------------------

  @Override
  public HttpRequest head() {
    return head;
  }

  @Override
  public String authority() {
    return target().authority();
  }

  @Override
  public String host() {
    return routing().host();
  }

  @Override
  public String path() {
    return routing().path();
  }

  @Override
  public String rawPath() {
    return target().path();
  }

  @Override
  public String originUri() {
    return target().upstreamUri();
  }

  @Override
  public boolean secure() {
    return secure;
  }

  @Override
  public HandshakeCertificate clientCertificate() {
    return handshake;
  }

  @Override
  public boolean clientSecure() {
    if (secure) {
      return true;
    }
    if (!realIp.keepsForwardedProto(source)) {
      return false;
    }
    String proto = head.headers().get(X_FORWARDED_PROTO);
    return proto != null && proto.equalsIgnoreCase("https");
  }

  @Override
  public InetAddress client() {
    return facts.client();
  }

  @Override
  public RequestFacts facts() {
    return facts;
  }

  @Override
  public StepServices services() {
    return services;
  }

  @Override
  public EventLoop eventLoop() {
    return loop;
  }

  @Override
  public @Nullable AuthReply authReply() {
    return authReply;
  }

  @Override
  public void authReply(AuthReply reply) {
    this.authReply = reply;
  }

  @Override
  public GuardVerdict guardVerdict() {
    return guardVerdict;
  }

  @Override
  public void guardVerdict(GuardVerdict verdict) {
    this.guardVerdict = verdict;
    facts.user(verdict.user());
  }
}
