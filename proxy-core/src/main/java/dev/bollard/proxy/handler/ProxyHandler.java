package dev.bollard.proxy.handler;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.http.PlainResponses;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.routing.RouteTable;
import dev.bollard.proxy.routing.Routed;
import dev.bollard.proxy.step.StepChain;
import dev.bollard.proxy.step.RoutePolicy;
import dev.bollard.proxy.step.StepOutcome;
import dev.bollard.proxy.step.StepServices;
import dev.bollard.proxy.tls.EdgeTls;
import dev.bollard.proxy.upstream.UpstreamConnection;
import dev.bollard.proxy.upstream.UpstreamPools;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a client pipeline: one instance per connection, serving its requests one at a
 * time.
 *
 * <p>For each request head it reads the current route table once and keeps it: routing, the
 * route's steps, 404 and 503 are decided on the snapshot that was current when the request
 * arrived. {@code RouteTable.match} gives one {@link Routed} value (route, normalised host and
 * path, step chain); the steps run in order ({@link #runSteps}), each passing, answering, or
 * parking the request while it works off the event loop; then the request is answered locally or
 * relayed by a {@link ProxyExchange} with the head {@link UpstreamHead} builds. Pipelined requests
 * wait in a small backlog (reading stops once a request is complete). {@code Expect: 100-continue} is answered by
 * the proxy itself once a backend is chosen, like nginx, and not forwarded. After a WebSocket
 * upgrade the HTTP steps leave the pipeline and bytes are relayed as they are.
 *
 * <p>The route's {@link RoutePolicy} (the snapshot's {@link GlobalSettings}, changed by its
 * Ingress) applies per request: {@code proxy-body-size} (413 for a larger {@code Content-Length}
 * before any body is read, or once a chunked body grows past it), and the upstream connect, read
 * and send timeouts, all final values resolved when the chain was compiled. A route whose chain buffers bodies ({@code proxy-request-buffering}) has its
 * request body read whole by a {@link BodySpool} before an upstream connection is taken. Its error
 * pages ({@code custom-http-errors}, {@code default-backend}) are an {@link ErrorPageExchange} in
 * place of the error, and the Ingress's {@code default-backend} stands in for a route whose
 * backend has no ready endpoint.
 *
 * <p>A request body that breaks (malformed, or stalled past {@code client-body-timeout}) is
 * answered 400 or 408 by its exchange when no response has started; a client that reads nothing
 * of its response for the send timeout is cut off ({@link ClientTimeouts} watches both). An
 * answer given while request bytes may still arrive closes through {@link LingeringClose}.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter
    implements ClientConnections.Member {

  private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);

  private static final HttpRequest UNPARSED =
      new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf("-"), "-");

  /** The pipeline step name of the request validator, removed after a protocol switch. */
  private static final String VALIDATE_STEP = "validate";

  /** Where buffered request bodies that outgrow memory are kept (unlinked files). */
  private static final Path BODY_DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"));

  /** What every connection of the listener shares: one reference per connection, not seven. */
  private final Listener listener;
  private @Nullable ClientTimeouts timeouts;
  // Rarely used (pipelining): made on first use, so an idle connection does not carry it.
  private @Nullable ArrayDeque<Object> backlog;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable Exchange exchange;
  private @Nullable WebSocketRelay webSocket;
  private boolean closing;
  /** Requests this connection may still start with keep-alive ({@code keep-alive-requests}). */
  private int keepAliveLeft;
  /** Its slot among its event loop's open connections ({@link ClientConnections}), or -1. */
  private int slot = -1;
  /**
   * Whether it stands for its connection in {@link ClientConnections}: an HTTP/1.1 connection's
   * handler does; an HTTP/2 stream's does not (its connection does, see {@link Http2Connection}).
   */
  private final boolean member;
  private @Nullable ClientRequest request;

  /**
   * What the request handlers of one listener share, made once per listener: an idle connection
   * then holds one reference to it instead of a copy of each.
   *
   * @param routes where each request reads its route table
   * @param pools upstream connections
   * @param connections this listener's connections, for draining
   * @param services what the route steps use (the guard, ACME answers, the HTTPS port)
   * @param telemetry logs and measures requests
   * @param bodyFiles the disk space buffered request bodies hold, shared by every connection
   * @param edge the listener's TLS side (whether it terminates TLS, its pipeline steps)
   */
  public record Listener(
      CurrentRoutes routes,
      UpstreamPools pools,
      ClientConnections connections,
      StepServices services,
      RequestTelemetry telemetry,
      BodyFileSpace bodyFiles,
      EdgeTls.Listener edge) {}

  /**
   * A handler for one connection of {@code listener}, telling the connection's client {@code
   * timeouts} (if not {@code null}) when a request starts and when the connection goes idle (the
   * validator's scanner, which they are given to as well, tells them when bytes arrive).
   */
  public ProxyHandler(Listener listener, @Nullable ClientTimeouts timeouts) {
    this(listener, timeouts, Integer.MAX_VALUE);
  }

  /**
   * A handler as above whose connection closes after its {@code keepAliveRequests}-th response
   * (nginx's {@code keepalive_requests}): that response says {@code Connection: close}.
   */
  public ProxyHandler(Listener listener, @Nullable ClientTimeouts timeouts,
      int keepAliveRequests) {
    this(listener, timeouts, keepAliveRequests, true);
  }

  private ProxyHandler(Listener listener, @Nullable ClientTimeouts timeouts,
      int keepAliveRequests, boolean member) {
    if (keepAliveRequests < 1) {
      throw new IllegalArgumentException(
          "keepAliveRequests: " + keepAliveRequests + " (expected: >= 1)");
    }
    this.listener = listener;
    this.timeouts = timeouts;
    this.keepAliveLeft = keepAliveRequests;
    this.member = member;
  }

  /**
   * The handler of one HTTP/2 stream (its pipeline converts frames to HTTP/1.1 messages before
   * it): one request, its connection's facts (peer, PROXY protocol source, TLS), the stream's own
   * client {@code timeouts} (body and send; see {@link Http2StreamTimers}). The stream's
   * connection, not the stream, is a member of the listener's {@link ClientConnections}, and it
   * bounds requests per connection ({@code http2-max-requests}).
   */
  public static ProxyHandler forStream(Listener listener, ClientTimeouts timeouts) {
    return new ProxyHandler(listener, timeouts, Integer.MAX_VALUE, false);
  }

  @Override
  public int slot() {
    return slot;
  }

  @Override
  public void slot(int value) {
    this.slot = value;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (member) {
      listener.connections().add(this, ctx.channel());
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    listener.connections().remove(this);
  }

  /** Graceful shutdown began: close now if idle, else after the current response. */
  @Override
  public void drain() {
    ChannelHandlerContext c = ctx;
    if (c != null) {
      c.pipeline().fireUserEventTriggered(ClientConnections.DRAIN);
    }
  }

  /** Closes the connection now, busy or not. */
  @Override
  public void closeNow() {
    ChannelHandlerContext c = ctx;
    if (c != null) {
      c.channel().close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
    } else if (webSocket != null) {
      webSocket.fromClient(msg);
    } else {
      dispatch(ctx, msg);
    }
  }

  private void dispatch(ChannelHandlerContext ctx, Object msg) {
    Exchange current = exchange;
    if (current != null) {
      if (current.requestComplete()) {
        ArrayDeque<Object> queue = backlog;
        if (queue == null) {
          queue = new ArrayDeque<>(2);
          backlog = queue;
        }
        queue.add(msg);
      } else if (msg instanceof HttpContent content) {
        current.fromClient(content);
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (msg instanceof HttpRequest request) {
      start(ctx, request);
    } else {
      // Body remains of a request answered early: nothing wants them.
      ReferenceCountUtil.release(msg);
    }
  }

  private void start(ChannelHandlerContext ctx, HttpRequest head) {
    ClientTimeouts t = timeouts;
    if (t != null) {
      t.headReceived();
    }
    Listener l = listener;
    RouteTable table = l.routes().table();
    ClientRequest req = ClientRequest.begin(ctx.channel(), head, table, l.edge().secure(),
        l.services());
    this.request = req;
    boolean keepAlive =
        HttpUtil.isKeepAlive(head) && !l.connections().isDraining() && --keepAliveLeft > 0;
    if (head.decoderResult().isFailure()) {
      // Normally the validator answers these; this is the fallback without it.
      // The decoder skips the rest of a bad message, so no body end will come: answer now.
      LocalExchange local = new LocalExchange(this, ctx,
          PlainResponses.of(HttpResponseStatus.BAD_REQUEST, "malformed request", false), false);
      exchange = local;
      local.respondNow();
      return;
    }
    RequestTarget target = RequestTarget.of(head);
    req.routed(target, table.match(target.authority(), target.path()));
    runSteps(ctx, req, 0, keepAlive);
  }

  /**
   * Runs the route's steps from {@code from}: each passes, answers (the request is answered
   * locally), or works off the event loop; then the request is forwarded. Pending work parks the
   * request in a {@link StepWait} (reading paused, body kept) and resumes here on the event loop.
   */
  private void runSteps(ChannelHandlerContext ctx, ClientRequest req, int from, boolean keepAlive) {
    StepChain steps = req.steps();
    for (int i = from; i < steps.size(); i++) {
      StepOutcome outcome = steps.step(i).decide(req);
      if (outcome == StepOutcome.PASS) {
        continue;
      }
      if (outcome instanceof StepOutcome.Answer answer) {
        answerLocally(ctx, req.head(), answer::response, keepAlive);
        return;
      }
      park(ctx, req, i, keepAlive, (StepOutcome.Pending<?>) outcome);
      return;
    }
    forward(ctx, req, keepAlive);
  }

  private <T> void park(ChannelHandlerContext ctx, ClientRequest req, int index,
      boolean keepAlive, StepOutcome.Pending<T> pending) {
    StepWait wait = new StepWait(listener.telemetry(), req);
    exchange = wait;
    updateClientRead();
    pending.work().whenComplete((result, failure) -> ctx.channel().eventLoop().execute(() -> {
      if (exchange != wait) {
        wait.clientClosed();
        return;
      }
      exchange = null;
      StepOutcome outcome = pending.resume().apply(failure != null ? null : result);
      if (outcome instanceof StepOutcome.Answer answer) {
        answerLocally(ctx, req.head(), answer::response, keepAlive);
      } else if (outcome instanceof StepOutcome.Pending<?> more) {
        // The step resumed into more work: wait again; the body kept so far is handed over.
        park(ctx, req, index, keepAlive, more);
      } else {
        runSteps(ctx, req, index + 1, keepAlive);
      }
      Exchange next = exchange;
      if (next != null) {
        wait.handOver(this, next);
      } else {
        wait.clientClosed();
      }
      updateClientRead();
    }));
  }

  /** Every step passed: 404/503/413 for what cannot go upstream, else relay it. */
  private void forward(ChannelHandlerContext ctx, ClientRequest req, boolean keepAlive) {
    HttpRequest head = req.head();
    Backend backend = req.backend();
    if (backend == null) {
      answerLocally(ctx, head, HttpResponseStatus.NOT_FOUND,
          "no route for host " + PlainResponses.quote(req.authority()) + " path "
              + PlainResponses.quote(req.rawPath()), keepAlive);
      return;
    }
    RoutePolicy policy = req.steps().policy();
    if (backend.endpoints().isEmpty()) {
      // The Ingress's default-backend takes the request, else 503 (or its error page).
      backend = policy.errorPages().unavailableBackend();
      if (backend == null) {
        unavailable(ctx, req, keepAlive);
        return;
      }
    }
    long maxBody = policy.maxBodyBytes();
    if (maxBody > 0 && HttpUtil.getContentLength(head, -1L) > maxBody) {
      // Like nginx: refuse before reading the body, and close rather than read it to the end.
      LocalExchange local = new LocalExchange(this, ctx,
          PlainResponses.of(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              "request body larger than " + maxBody + " bytes (proxy-body-size)", false), false);
      exchange = local;
      local.respondNow();
      return;
    }
    if (HttpUtil.is100ContinueExpected(head)) {
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
              Unpooled.EMPTY_BUFFER));
    }
    boolean upgrade = UpstreamHead.isWebSocketUpgrade(head);
    BodyBuffering buffering = policy.bodyBuffering();
    if (buffering.on() && !upgrade && hasBody(head) && !backend.http2()
        && !GrpcErrors.isGrpc(head)) {
      // Never for gRPC: a streaming call sends its body while it reads the response.
      // Read the whole body before taking an upstream connection; relay() follows from
      // bodyBuffered.
      exchange = new BodySpool(this, ctx.alloc(), req, keepAlive, buffering, maxBody,
          listener.bodyFiles(), BODY_DIRECTORY);
      updateClientRead();
      return;
    }
    relay(ctx, req, backend, keepAlive, upgrade, null);
  }

  /**
   * Where the request is relayed: its route's backend, or while that has no ready endpoint the
   * Ingress's {@code default-backend}; {@code null} for neither.
   */
  private static @Nullable Backend target(ClientRequest req) {
    Backend routed = req.backend();
    if (routed == null || !routed.endpoints().isEmpty()) {
      return routed;
    }
    return req.steps().policy().errorPages().unavailableBackend();
  }

  /** The route's backend has no ready endpoint and nothing stands in: 503, or its error page. */
  private void unavailable(ChannelHandlerContext ctx, ClientRequest req, boolean keepAlive) {
    Backend backend = req.backend();
    String detail = "backend " + (backend == null ? "-" : backend.id()) + " has no ready endpoints";
    RoutePolicy policy = req.steps().policy();
    if (policy.errorPages().intercepts(503) && !GrpcErrors.isGrpc(req.head())) {
      // A gRPC client gets a gRPC status (UNAVAILABLE), never a page.
      startErrorPage(ctx, req, 503, detail, keepAlive, false, policy);
      return;
    }
    answerLocally(ctx, req.head(), HttpResponseStatus.SERVICE_UNAVAILABLE, detail, keepAlive);
  }

  private void startErrorPage(ChannelHandlerContext ctx, ClientRequest req, int code,
      String detail, boolean keepAlive, boolean requestComplete, RoutePolicy policy) {
    ErrorPageExchange page = new ErrorPageExchange(this, ctx, req, code, detail, keepAlive,
        requestComplete, listener.pools(), policy);
    exchange = page;
    page.start();
    updateClientRead();
  }

  private static boolean hasBody(HttpRequest head) {
    return HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0;
  }

  /** Relays the request upstream, with its {@code body} read already, or streaming it. */
  private void relay(ChannelHandlerContext ctx, ClientRequest req, Backend backend,
      boolean keepAlive, boolean upgrade, @Nullable BufferedBody body) {
    Listener l = listener;
    int listenerPort = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
    HttpRequest upstreamHead = UpstreamHead.build(req, listenerPort, upgrade);
    if (backend != req.backend()) {
      // The Ingress's default-backend standing in for a route without ready endpoints.
      ErrorPageHeaders.describe(upstreamHead.headers(), 503, req);
    }
    if (body != null) {
      body.frame(upstreamHead.headers());
    }
    ProxyExchange proxied =
        new ProxyExchange(
            this,
            ctx,
            req.head(),
            upstreamHead,
            backend,
            keepAlive,
            upgrade,
            l.pools(),
            req.steps().policy(),
            body);
    exchange = proxied;
    proxied.start();
    // After start: a pooled upstream is leased synchronously and wants the body, so reads stay on
    // instead of an off/on pair (two epoll_ctl calls) per request.
    updateClientRead();
  }

  private void answerLocally(
      ChannelHandlerContext ctx,
      HttpRequest request,
      HttpResponseStatus status,
      String detail,
      boolean keepAlive) {
    answerLocally(ctx, request, keep -> PlainResponses.of(status, detail, keep), keepAlive);
  }

  private void answerLocally(
      ChannelHandlerContext ctx,
      HttpRequest request,
      Function<Boolean, FullHttpResponse> response,
      boolean keepAlive) {
    boolean expectsContinue = HttpUtil.is100ContinueExpected(request);
    boolean keep = keepAlive && !expectsContinue;
    LocalExchange local = new LocalExchange(this, ctx, response.apply(keep), keep);
    exchange = local;
    if (expectsContinue || GrpcErrors.isGrpc(request)) {
      // A gRPC client may stream its request until it hears back: it gets its status now.
      local.respondNow();
    }
  }

  // ---- called by exchanges --------------------------------------------------------------------

  /** A {@link BodySpool} has the whole body: relay the request with it. */
  void bodyBuffered(BodySpool spool, BufferedBody body, boolean keepAlive) {
    ChannelHandlerContext c = ctx;
    ClientRequest req = request;
    Backend backend = req != null ? target(req) : null;
    if (exchange != spool || c == null || req == null || backend == null) {
      body.release();
      return;
    }
    exchange = null;
    relay(c, req, backend, keepAlive, false, body);
  }

  /**
   * {@code failed} met an error its route replaces with an error page ({@code
   * custom-http-errors}): an {@link ErrorPageExchange} answers in its place.
   *
   * @param requestComplete whether the client's whole request has arrived
   */
  void replaceError(Exchange failed, int code, String detail, boolean keepAlive,
      boolean requestComplete) {
    ChannelHandlerContext c = ctx;
    ClientRequest req = request;
    if (exchange != failed || c == null || req == null) {
      return;
    }
    exchange = null;
    startErrorPage(c, req, code, detail, keepAlive, requestComplete, req.steps().policy());
  }

  /** A {@link BodySpool} refused the body (413, or it could not be kept): answer and close. */
  void refuseBody(BodySpool spool, FullHttpResponse answer) {
    ChannelHandlerContext c = ctx;
    if (exchange != spool || c == null) {
      answer.release();
      return;
    }
    LocalExchange local = new LocalExchange(this, c, answer, false);
    exchange = local;
    local.respondNow();
  }

  /** The request being served (set when its head arrived). */
  ClientRequest requestContext() {
    ClientRequest c = request;
    if (c == null) {
      throw new IllegalStateException("no request head seen yet");
    }
    return c;
  }

  RequestTelemetry telemetry() {
    return listener.telemetry();
  }

  /** The exchange's response was written; the connection goes idle or closes. */
  void exchangeDone(Exchange done, boolean keepAlive, ChannelFuture lastWrite) {
    ChannelHandlerContext c = ctx;
    if (exchange != done || c == null) {
      return;
    }
    exchange = null;
    if (!keepAlive || listener.connections().isDraining()) {
      // Request bytes may still be on their way (a 413 or 408 before the body's end): linger, so
      // that the client reads the answer instead of a reset.
      closeAfter(lastWrite, !done.requestComplete());
      return;
    }
    // Idle until the next head: the finished request's facts and headers are not kept alive
    // with the connection (heap per idle connection).
    request = null;
    ClientTimeouts t = timeouts;
    if (t != null) {
      t.idle();
    }
    updateClientRead();
    if (backlog != null && !backlog.isEmpty()) {
      c.executor().execute(this::drainBacklog);
    }
  }

  /** The exchange cannot finish its response honestly: close the client connection. */
  void abort(Exchange aborted) {
    ChannelHandlerContext c = ctx;
    if (exchange == aborted && c != null) {
      exchange = null;
      closing = true;
      releaseBacklog();
      c.close();
    }
  }

  /** After a 101: drop the HTTP steps on both sides and relay bytes. */
  void switchToWebSocket(Exchange upgraded, UpstreamConnection upstream) {
    ChannelHandlerContext c = ctx;
    if (exchange != upgraded || c == null) {
      upstream.discard();
      return;
    }
    exchange = null;
    WebSocketRelay relay = new WebSocketRelay(this, c, upstream, requestContext().facts);
    webSocket = relay;
    upstream.redirect(relay);
    releaseBacklog();
    ChannelPipeline p = c.pipeline();
    // Removing the validator removes its scanner, which stops the client timers.
    timeouts = null;
    if (p.get(VALIDATE_STEP) != null) {
      p.remove(VALIDATE_STEP);
    }
    // Removing the codec step (in a client pipeline: the scanner, which decodes requests itself)
    // hands any bytes it buffered to this handler, which now relays them.
    if (p.get(RequestValidatorHeadScanner.class) != null) {
      p.remove(RequestValidatorHeadScanner.class);
    }
    if (p.get(HttpServerCodec.class) != null) {
      p.remove(HttpServerCodec.class);
    }
    // Deferred: this runs inside the upstream codec's own decode call.
    upstream.channel().eventLoop().execute(upstream::switchToRawBytes);
    updateClientRead();
    upstream.channel().config().setAutoRead(c.channel().isWritable());
  }

  /** The upstream side of a WebSocket closed. */
  void webSocketClosed() {
    ChannelHandlerContext c = ctx;
    closing = true;
    if (c != null) {
      c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Nullable Exchange currentExchange() {
    return exchange;
  }

  boolean isDraining() {
    return listener.connections().isDraining();
  }

  /** Reads from the client only while someone wants the bytes and can take them. */
  void updateClientRead() {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      return;
    }
    boolean read;
    if (closing) {
      read = false;
    } else if (webSocket != null) {
      read = webSocket.wantsClientData();
    } else {
      read = exchange == null || exchange.wantsClientData();
    }
    ChannelConfig config = c.channel().config();
    if (config.isAutoRead() != read) { // a plain read; setAutoRead is an atomic swap
      config.setAutoRead(read);
    }
  }

  private void drainBacklog() {
    ChannelHandlerContext c = ctx;
    while (c != null
        && backlog != null
        && !backlog.isEmpty()
        && !closing
        && webSocket == null
        && (exchange == null || !exchange.requestComplete())) {
      dispatch(c, backlog.poll());
    }
  }

  private void closeAfter(ChannelFuture lastWrite, boolean linger) {
    closing = true;
    releaseBacklog();
    if (linger) {
      LingeringClose.after(lastWrite);
      return;
    }
    // Reads stay as they are: whatever arrives before the close is released (closing), and
    // turning reads off first would cost each closing connection an epoll_ctl call.
    lastWrite.addListener(ChannelFutureListener.CLOSE);
  }

  private void releaseBacklog() {
    ArrayDeque<Object> queue = backlog;
    while (queue != null && !queue.isEmpty()) {
      ReferenceCountUtil.release(queue.poll());
    }
  }

  // ---- channel events ---------------------------------------------------------------------------

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ClientTimeouts t = timeouts;
    if (t != null) {
      t.writabilityChanged(ctx.channel());
    }
    if (exchange != null) {
      exchange.clientWritabilityChanged();
    }
    if (webSocket != null) {
      webSocket.clientWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    listener.connections().remove(this);
    closing = true;
    Exchange current = exchange;
    exchange = null;
    if (current != null) {
      current.clientClosed();
    }
    if (webSocket != null) {
      webSocket.clientClosed();
      // A WebSocket's line is written when it closes, with the status of its upgrade.
      listener.telemetry().completed(requestContext().facts, 101);
    }
    releaseBacklog();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof RequestValidator.RequestRejected rejected) {
      // One line for a request the validator answered itself (400, 414, 431 …); one whose bytes
      // never made a head is logged with method and URI "-", as nginx does.
      HttpRequest head = rejected.head();
      ClientRequest refused = ClientRequest.begin(ctx.channel(), head != null ? head : UNPARSED,
          listener.routes().table(), listener.edge().secure(), listener.services());
      listener.telemetry().completed(refused.facts, rejected.status());
      return;
    }
    if (evt instanceof RequestValidator.BodyRejected rejected) {
      requestBroken(ctx, HttpResponseStatus.BAD_REQUEST,
          "malformed request body (" + rejected.reason() + ")");
      return;
    }
    if (evt == ClientTimeouts.BODY_TIMED_OUT) {
      requestBroken(ctx, HttpResponseStatus.REQUEST_TIMEOUT,
          "request body not received in time (client-body-timeout)");
      return;
    }
    if (evt == ClientTimeouts.SEND_TIMED_OUT) {
      // The client read nothing for the send timeout; the timer closes the connection.
      Exchange current = exchange;
      exchange = null;
      closing = true;
      releaseBacklog();
      if (current != null) {
        current.clientStalled(unsentBytes(ctx));
      }
      ctx.close();
      return;
    }
    if (evt == ClientConnections.DRAIN) {
      if (exchange == null && webSocket == null && !closing) {
        closing = true;
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  /**
   * The body of the current request broke ({@code status}: 400 malformed, 408 stalled): its
   * exchange answers and closes, or aborts; without one reading it, the connection closes.
   */
  private void requestBroken(ChannelHandlerContext ctx, HttpResponseStatus status, String detail) {
    if (closing) {
      return;
    }
    Exchange current = exchange;
    if (current == null || current.requestComplete()) {
      closing = true;
      releaseBacklog();
      ctx.close();
      return;
    }
    log.debug("{} for {}: {}", status.code(), ctx.channel().remoteAddress(), detail);
    current.requestBroken(status, detail);
    if (exchange == current && !closing) {
      // It could not answer (a response had started): it aborted, or must be cut here.
      abort(current);
    }
  }

  private static long unsentBytes(ChannelHandlerContext ctx) {
    var buffer = ctx.channel().unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException || cause instanceof Http2FrameStreamException
        || cause.getCause() instanceof Http2Exception) {
      // A client's broken connection or malformed HTTP/2 stream: its own problem, not the proxy's.
      log.debug("Client {} connection failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn("Client {} connection failed: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }
}
