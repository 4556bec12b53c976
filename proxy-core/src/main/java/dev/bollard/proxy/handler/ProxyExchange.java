package dev.bollard.proxy.handler;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.LoadBalance;
import dev.bollard.proxy.config.NextUpstream;
import dev.bollard.proxy.config.ResponseRate;
import dev.bollard.proxy.config.UpstreamTls;
import dev.bollard.proxy.http.PlainResponses;
import dev.bollard.proxy.step.ErrorPages;
import dev.bollard.proxy.step.RoutePolicy;
import dev.bollard.proxy.upstream.EndpointLoad;
import dev.bollard.proxy.upstream.UpstreamConnection;
import dev.bollard.proxy.upstream.UpstreamListener;
import dev.bollard.proxy.upstream.UpstreamPools;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request relayed to an upstream: tries endpoints in the order the route's balancer gives
 * (counting each try in flight for {@code ewma} and {@code least_conn}, from its start to its
 * response head or its end), sends the request body up (a {@link BufferedBody} read whole before,
 * or streamed as it arrives) and streams the response down with backpressure both ways, maps
 * upstream failures to 502/504, and returns a cleanly finished keep-alive connection to the pool.
 * An upstream that breaks HTTP (a response Netty fails to decode, an unasked {@code 101}, a close)
 * costs a 502 before the response head went out, and after it a client connection closed without
 * the response's end; its connection is discarded either way. So does an upstream that takes no
 * request bytes for {@code proxy-send-timeout} (504 before the response head).
 *
 * <p>A try that fails before the response head went out (connect error or timeout, a close, an
 * invalid head, a read or send timeout, a status such as 503) goes to the next endpoint when the
 * route's {@code proxy-next-upstream} rules allow it ({@link UpstreamRetries}, made on the first
 * failure); otherwise the failure (or the response) goes to the client. A status the route replaces with an
 * error page ({@code custom-http-errors}) is handed to an {@link ErrorPageExchange} instead, once
 * no further try is due.
 *
 * <p>A gRPC call ({@code content-type: application/grpc*}, {@link GrpcErrors}) differs in three
 * ways: its {@code grpc-timeout} is a deadline for the whole exchange ({@code DEADLINE_EXCEEDED}
 * when it passes); an error after the response head went out ends the response with {@code
 * grpc-status} trailers instead of cutting the connection; and no error page replaces its errors.
 * The answers the proxy makes for it become gRPC statuses in {@link ClientRequest}. Over HTTP/2
 * ({@code backend-protocol: GRPC}/{@code GRPCS}) the upstream "connection" is a stream, leased and
 * released the same way; a response that is a single HEADERS frame ("Trailers-Only") comes as one
 * {@link FullHttpResponse} and goes to the client as one.
 *
 * <p>Everything runs on the client's event loop; the upstream channel is registered there too.
 */
final class ProxyExchange
    implements Exchange, UpstreamListener, ChannelProgressiveFutureListener {

  /** The most request body an HTTP/2 stream keeps to send again after a GOAWAY refused it. */
  private static final int MAX_UNANSWERED_BYTES = 64 * 1024;
  private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

  private final ProxyHandler owner;
  private final ChannelHandlerContext client;
  private final HttpRequest clientRequest;
  private final HttpRequest upstreamRequest;
  private final Backend backend;
  /** How this request's upstream connection speaks TLS, or {@code null} for plain HTTP. */
  private final @Nullable UpstreamTls tls;
  private final boolean keepAlive;
  private final boolean webSocket;
  private final UpstreamPools pools;
  private final Duration readTimeout;
  private final long readTimeoutNanos;
  private final Duration sendTimeout;
  private final Duration connectTimeout;
  private final long maxBodyBytes;
  private final RoutePolicy policy;
  private final ErrorPages errorPages;
  /** Whether the request is a gRPC call. */
  private final boolean grpc;
  /** The call's {@code grpc-timeout} at work, or {@code null}. */
  private @Nullable GrpcTimeout grpcDeadline;
  private long bodyBytes;
  private final List<Endpoint> candidates;
  private final ClientRequest request;
  /**
   * The whole body, read before connecting (request buffering); until it is handed on by a write,
   * or kept until the exchange ends when a next try may send it again.
   */
  private @Nullable BufferedBody body;
  // Rarely used (body parts that arrive before the upstream connects): the smallest array.
  private final ArrayDeque<HttpContent> pending = new ArrayDeque<>(1);
  /**
   * The request body written on an HTTP/2 stream, kept (its bytes shared with what was written)
   * until the response head, while {@link #keepingUnanswered}: a {@code GOAWAY} that crosses the
   * stream's opening refuses it unprocessed, and it goes once more ({@link #onUpstreamClosed}).
   */
  private @Nullable ArrayDeque<HttpContent> unanswered;
  /**
   * Whether all the request written on the current try's HTTP/2 stream is at hand to go again
   * (head and {@link #unanswered}): from the stream's opening to the response head, and for at
   * most {@link #MAX_UNANSWERED_BYTES} of body.
   */
  private boolean keepingUnanswered;
  /** Response body was written to the client since its last flush (see onResponseContent). */
  private boolean clientFlushPending;
  private long unansweredBytes;

  /** The retry rules at work for this request, from its first failed try; else {@code null}. */
  private @Nullable UpstreamRetries retries;
  private @Nullable UpstreamConnection upstream;
  private @Nullable Endpoint endpoint;
  /**
   * Where the current try counts as in flight, for a route balanced by {@code ewma} or {@code
   * least_conn}; {@code null} otherwise, and once the try ended ({@link #endTry}).
   */
  private @Nullable EndpointLoad load;
  /** When the current try started ({@link System#nanoTime()}), while {@link #load} is set. */
  private long tryStartNanos;
  private @Nullable HttpResponse upstreamResponse;
  /** Paces the response body to the route's {@code limit-rate}; {@code null} without one. */
  private @Nullable ResponsePacer pacer;
  /** Whether the upstream read timeout runs (kept by the upstream connection's deadline). */
  private boolean readTimerOn;
  /**
   * Whether the upstream send timeout runs instead ({@code proxy-send-timeout}): the upstream
   * connection is unwritable, or a buffered body's file is being written to it.
   */
  private boolean sendTimerOn;
  /** A buffered body's file region is being written upstream. */
  private boolean regionWriting;
  private final Runnable onDeadline = this::deadlinePassed;
  private Sending sending = Sending.RECEIVING;
  private Relaying relaying = Relaying.WAITING;
  /** Whether streamed body bytes went upstream (then the request cannot be sent again). */
  private boolean bodyForwarded;
  /** Whether the current try wrote the request (head) to its upstream. */
  private boolean sent;
  private boolean clientKeepAlive;
  private boolean upstreamKeepAlive;

  /** Where the client's request is. */
  private enum Sending {
    /** Body parts still arrive from the client. */
    RECEIVING,
    /** The client sent all of it; not all of it is written upstream yet. */
    RECEIVED,
    /** All of it is written upstream. */
    SENT
  }

  /** Where the response is. */
  private enum Relaying {
    /** No response head yet. */
    WAITING,
    /** An interim (1xx) response came, not relayed: its end is swallowed, then WAITING again. */
    INTERIM,
    /** The response head went to the client; its body streams. */
    STREAMING,
    /** Over: relayed, answered by the proxy, aborted, upgraded, or the client left. */
    DONE
  }

  ProxyExchange(
      ProxyHandler owner,
      ChannelHandlerContext client,
      HttpRequest clientRequest,
      HttpRequest upstreamRequest,
      Backend backend,
      boolean keepAlive,
      boolean webSocket,
      UpstreamPools pools,
      RoutePolicy policy,
      @Nullable BufferedBody body) {
    this.owner = owner;
    this.client = client;
    this.clientRequest = clientRequest;
    this.upstreamRequest = upstreamRequest;
    this.backend = backend;
    this.keepAlive = keepAlive;
    this.webSocket = webSocket;
    this.pools = pools;
    this.readTimeout = policy.readTimeout();
    this.readTimeoutNanos = readTimeout.toNanos();
    this.sendTimeout = policy.sendTimeout();
    this.connectTimeout = policy.connectTimeout();
    this.maxBodyBytes = policy.maxBodyBytes();
    this.policy = policy;
    this.errorPages = policy.errorPages();
    this.body = body;
    if (body != null) {
      sending = Sending.RECEIVED;
    }
    this.request = owner.requestContext();
    this.grpc = GrpcErrors.isGrpc(clientRequest);
    this.candidates = pools.tryOrder(client.channel().eventLoop(), backend, policy.loadBalance(),
        request.pinnedEndpoint());
    UpstreamTls backendTls = backend.tls();
    // AUTO_HTTP: TLS upstream only for a request that came over TLS (nginx's $scheme).
    this.tls = backendTls != null && backendTls.onlyForTlsClients() && !request.secure()
        ? null : backendTls;
  }

  void start() {
    request.facts.upstreamStarted();
    if (grpc) {
      grpcDeadline = GrpcTimeout.start(clientRequest, client.executor(), this::grpcDeadlinePassed);
    }
    tryEndpoint(candidates.get(0), false);
  }

  // ---- connecting -------------------------------------------------------------------------

  /** Starts a try on {@code target}: a pooled connection, or a new one when {@code fresh}. */
  private void tryEndpoint(Endpoint target, boolean fresh) {
    endpoint = target;
    request.tried(target);
    sent = false;
    if (policy.loadBalance() != LoadBalance.ROUND_ROBIN) {
      EndpointLoad l = pools.load(client.channel().eventLoop(), target);
      l.started();
      load = l;
      tryStartNanos = System.nanoTime();
    }
    Future<UpstreamConnection> f = fresh
        ? pools.connect(client.channel().eventLoop(), target, tls, this, connectTimeout)
        : pools.acquire(client.channel().eventLoop(), target, tls, backend.http2(), this,
            connectTimeout);
    f.addListener(done -> connected(target, f));
  }

  private void connected(Endpoint target, Future<UpstreamConnection> f) {
    if (!f.isSuccess()) {
      if (relaying == Relaying.DONE) {
        return;
      }
      Throwable cause = f.cause();
      boolean timedOut = cause instanceof ConnectTimeoutException;
      tryFailed(timedOut ? NextUpstream.TIMEOUT : NextUpstream.ERROR,
          timedOut ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY,
          "backend " + backend.id() + " endpoint " + target + " did not accept a connection ("
              + cause + ")");
      return;
    }
    UpstreamConnection conn = f.getNow();
    if (relaying == Relaying.DONE) {
      conn.release();
      return;
    }
    upstream = conn;
    request.facts.upstreamConnected(conn.address());
    boolean read = client.channel().isWritable();
    if (conn.channel().config().isAutoRead() != read) {
      conn.channel().config().setAutoRead(read);
    }
    sent = true;
    keepingUnanswered = backend.http2();
    unansweredBytes = 0;
    conn.channel().write(upstreamRequest);
    BufferedBody whole = body;
    if (whole != null) {
      // Kept only while a next try may send it again, or a resend after a stale pooled
      // connection (onUpstreamClosed); else handed on with this write, and never sent again.
      boolean keep = UpstreamRetries.mayTryAgain(policy.nextUpstream(), clientRequest.method(),
          candidates.size())
          || (conn.isReused() && !UpstreamRetries.refusedAsNonIdempotent(policy.nextUpstream(),
              clientRequest.method()));
      if (!keep) {
        body = null;
        bodyForwarded = true;
      }
      ChannelProgressivePromise region = whole.writeTo(conn.channel(), keep);
      sending = Sending.SENT;
      if (region != null) {
        regionWriting = true;
        region.addListener(this);
      }
      armReadTimer();
      updateSendTimer(conn);
    }
    while (!pending.isEmpty()) {
      writeBody(conn, pending.poll());
    }
    conn.channel().flush();
    owner.updateClientRead();
  }

  // ---- request direction --------------------------------------------------------------------

  @Override
  public void fromClient(HttpContent content) {
    if (content instanceof LastHttpContent && sending == Sending.RECEIVING) {
      sending = Sending.RECEIVED;
    }
    UpstreamConnection conn = upstream;
    bodyBytes += content.content().readableBytes();
    request.facts.bytesIn(content.content().readableBytes());
    if (relaying == Relaying.DONE) {
      content.release();
    } else if (maxBodyBytes > 0 && bodyBytes > maxBodyBytes) {
      // A body without Content-Length (chunked) that grew past the limit: like nginx, 413.
      content.release();
      if (relaying == Relaying.STREAMING) {
        abort();
      } else {
        fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "request body larger than " + maxBodyBytes + " bytes (proxy-body-size)");
      }
    } else if (conn == null) {
      pending.add(content);
    } else {
      writeBody(conn, content);
      conn.channel().flush();
      if (!conn.channel().isWritable()) {
        owner.updateClientRead();
      }
    }
  }

  private void writeBody(UpstreamConnection conn, HttpContent content) {
    if (content.content().isReadable()) {
      bodyForwarded = true;
    }
    boolean last = content instanceof LastHttpContent;
    conn.channel().write(keepingUnanswered ? keepUnanswered(content) : content);
    if (last) {
      sending = Sending.SENT;
      armReadTimer();
    }
  }

  @Override
  public boolean requestComplete() {
    return sending != Sending.RECEIVING;
  }

  @Override
  public boolean wantsClientData() {
    UpstreamConnection conn = upstream;
    return sending == Sending.RECEIVING && relaying != Relaying.DONE && conn != null
        && conn.channel().isWritable();
  }

  @Override
  public void onUpstreamWritabilityChanged() {
    UpstreamConnection conn = upstream;
    if (conn != null && relaying != Relaying.DONE) {
      updateSendTimer(conn);
    }
    owner.updateClientRead();
  }

  /** A buffered body's file region made progress upstream: the send timeout starts again. */
  @Override
  public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
    UpstreamConnection conn = upstream;
    if (sendTimerOn && conn != null && relaying != Relaying.DONE
        && future.channel() == conn.channel()) {
      conn.expectResponseWithin(sendTimeout.toNanos(), onDeadline);
    }
  }

  /** A buffered body's file region was written upstream (or failed, then the upstream closes). */
  @Override
  public void operationComplete(ChannelProgressiveFuture future) {
    UpstreamConnection conn = upstream;
    if (conn == null || future.channel() != conn.channel()) {
      return; // a failed try's write, ended after the request went on
    }
    regionWriting = false;
    if (relaying != Relaying.DONE) {
      updateSendTimer(conn);
    }
  }

  /**
   * Runs the send timeout while the upstream takes no request bytes (unwritable, or a file region
   * being written), else the read timeout if it is on. One deadline on the connection serves both.
   */
  private void updateSendTimer(UpstreamConnection conn) {
    if (regionWriting || !conn.channel().isWritable()) {
      if (!sendTimerOn) {
        sendTimerOn = true;
        conn.expectResponseWithin(sendTimeout.toNanos(), onDeadline);
      }
    } else if (sendTimerOn) {
      sendTimerOn = false;
      if (readTimerOn) {
        conn.expectResponseWithin(readTimeoutNanos, onDeadline);
      } else {
        conn.stopResponseDeadline();
      }
    }
  }

  /** Whether the whole request can be sent once more: no body, or one kept whole. */
  private boolean canSendAgain() {
    return body != null || (!bodyForwarded && sending != Sending.RECEIVING);
  }

  /**
   * The try failed before the response head went out: the next endpoint when the route's rules
   * allow it ({@code condition}, one of {@link NextUpstream}'s), else {@code status} to the client.
   */
  private void tryFailed(int condition, HttpResponseStatus status, String detail) {
    endTry(true); // a failure's time counts, as nginx's upstream times do for ewma
    if (grpcDeadlineGone()) {
      // The server gave up on the call's deadline (a reset) as the proxy's timer was due.
      grpcDeadlinePassed();
      return;
    }
    UpstreamRetries r = retries();
    Endpoint next = r.next(condition, clientRequest.method(), sent, canSendAgain());
    if (next == null) {
      fail(status, detail);
      return;
    }
    log.info("{} {}: {}; trying endpoint {} (proxy-next-upstream)", clientRequest.method(),
        clientRequest.uri(), detail, next);
    nextTry();
    tryEndpoint(next, false);
  }

  /** Drops the failed try's connection and puts the request back as it was before sending. */
  private void nextTry() {
    stopTimers();
    regionWriting = false;
    discardUpstream();
    relaying = Relaying.WAITING;
    boolean resend = keepingUnanswered;
    ArrayDeque<HttpContent> kept = unanswered;
    keepingUnanswered = false;
    unanswered = null;
    if (resend) {
      // What the HTTP/2 stream took goes again, the rest of a streamed body after it.
      if (kept != null) {
        pending.addAll(kept);
      }
      if (sending == Sending.SENT) {
        sending = Sending.RECEIVED;
      }
    } else if (sent && body == null && sending != Sending.RECEIVING) {
      // A bodiless request whose end was written: its end goes again.
      sending = Sending.RECEIVED;
      pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
    } else if (sent && body != null) {
      sending = Sending.RECEIVED;
    }
  }

  // ---- response direction -------------------------------------------------------------------

  @Override
  public void onUpstreamRead(Object msg) {
    if (relaying == Relaying.DONE) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (readTimerOn) {
      armReadTimer();
    }
    if (msg instanceof HttpResponse response) {
      if (keepingUnanswered) {
        releaseUnanswered(); // the upstream took the stream: it will not be sent again
      }
      UpstreamConnection from = upstream;
      onResponseHead(response);
      if (relaying == Relaying.DONE || upstream != from) {
        // Failed, upgraded, or gone to the next endpoint on its head: a full response's content
        // goes nowhere.
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        // Netty ends a body it cannot decode (a bad chunk size, bad trailers) with a failed
        // LastHttpContent: never a clean end, and the decoder is stuck, so never pooled.
        Throwable cause = content.decoderResult().cause();
        content.release();
        upstreamBroken(NextUpstream.ERROR, "sent a malformed response body (" + cause + ")");
        return;
      }
      onResponseContent(content);
    } else if (!(msg instanceof HttpResponse)) {
      // Raw bytes after an unasked protocol switch: the exchange has failed already.
      ReferenceCountUtil.release(msg);
    }
  }

  private void onResponseHead(HttpResponse response) {
    if (response.decoderResult().isFailure()) {
      invalidHead("sent an invalid response (" + response.decoderResult().cause() + ")");
      return;
    }
    int code = response.status().code();
    if (code == 101) {
      endTry(true);
      if (webSocket) {
        upgrade(response);
      } else {
        // Nothing asked for it; the decoder now passes raw bytes, so no final response can come.
        invalidHead("switched protocols (101) though the request asked for no upgrade");
      }
      return;
    }
    if (code >= 100 && code < 200) {
      // The proxy answered any Expect itself; other interim responses are not relayed.
      relaying = Relaying.INTERIM;
      return;
    }
    endTry(true);
    int headLimit = policy.maxResponseHeadBytes();
    if (headLimit > 0 && ResponseHeads.size(response) > headLimit) {
      invalidHead("sent a response head larger than " + headLimit + " bytes (proxy-buffer-size)");
      return;
    }
    int statusCondition = NextUpstream.statusCondition(code);
    if (statusCondition != 0 && policy.nextUpstream().on(statusCondition)
        && nextTryFor(statusCondition, code)) {
      return;
    }
    if (!grpc && errorPages.intercepts(code)) {
      replaceError(code, "backend " + backend.id() + " answered " + code, response);
      return;
    }
    upstreamResponse = response;
    // Read before the rewrite below strips the upstream's Connection header in place.
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    relaying = Relaying.STREAMING;
    request.facts.upstreamResponded(code);
    HttpResponse out =
        HeaderRewriter.toClient(response, clientRequest, keepAlive && !owner.isDraining(), false);
    request.prepareUpstreamResponse(out);
    clientKeepAlive = !HeaderRewriter.closesConnection(out);
    if (!(response instanceof FullHttpResponse)) {
      ResponseRate rate = policy.responseRate();
      if (rate.limits()) {
        pacer = new ResponsePacer(rate, client.channel(), new ResponsePacer.Writer() {
          @Override
          public void write(HttpContent part) {
            writeContent(part);
          }

          @Override
          public void drained() {
            resumeUpstream();
          }
        });
        // The head goes at once, as nginx's: only the body is paced.
        client.writeAndFlush(out);
      } else {
        client.write(out);
      }
    }
    // else a whole response from an HTTP/2 stream (a gRPC Trailers-Only answer): out shares its
    // headers, rewritten in place, and it goes to the client whole as content (so that an HTTP/2
    // client gets it as one HEADERS frame, as gRPC requires).
  }

  private void onResponseContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (relaying != Relaying.STREAMING) {
      if (last && relaying == Relaying.INTERIM) {
        relaying = Relaying.WAITING;
      }
      content.release();
      return;
    }
    ResponsePacer paced = pacer;
    if (paced != null) {
      if (paced.offer(content)) {
        pauseUpstream();
        if (last) {
          // The end waits for the budget; the upstream connection need not.
          finishUpstream();
          owner.updateClientRead();
        }
      }
      return;
    }
    if (content instanceof LastHttpContent) {
      writeContent(content);
    } else {
      // Flushed with the response's end, or when this batch of upstream reads is over
      // (onUpstreamReadComplete): a gRPC call's message and trailers, which come together, go to
      // the client in one flush (one TLS record), not one each.
      request.facts.bytesOut(content.content().readableBytes());
      client.write(content);
      clientFlushPending = true;
      if (!client.channel().isWritable()) {
        pauseUpstream();
      }
    }
  }

  @Override
  public void onUpstreamReadComplete() {
    if (clientFlushPending) {
      clientFlushPending = false;
      client.flush();
    }
  }

  /**
   * The upstream's part is over (the response's end arrived): its connection goes back to the pool
   * when it can serve another request, else it is closed.
   */
  private void finishUpstream() {
    stopTimers();
    UpstreamConnection conn = upstream;
    upstream = null;
    boolean reusable = sending == Sending.SENT && upstreamResponse != null && upstreamKeepAlive;
    if (conn != null) {
      if (reusable) {
        conn.release();
      } else {
        conn.discard();
      }
    }
  }

  /** Writes a part of the response body to the client (the last one completes the exchange). */
  private void writeContent(HttpContent content) {
    request.facts.bytesOut(content.content().readableBytes());
    clientFlushPending = false;
    ChannelFuture written = client.writeAndFlush(content);
    if (content instanceof LastHttpContent) {
      responseComplete(written);
    } else if (!client.channel().isWritable()) {
      pauseUpstream();
    }
  }

  private void responseComplete(ChannelFuture written) {
    relaying = Relaying.DONE;
    HttpResponse response = upstreamResponse;
    finishUpstream();
    releasePending();
    owner.telemetry().completed(request.facts, response != null ? response.status().code() : 502);
    owner.exchangeDone(this, clientKeepAlive && sending != Sending.RECEIVING, written);
  }

  /**
   * A response with a status the rules name: the next endpoint if there is one (this response is
   * discarded, head and body, with its connection); else it goes to the client as it is.
   */
  private boolean nextTryFor(int condition, int status) {
    UpstreamRetries r = retries;
    if (r == null) {
      r = new UpstreamRetries(policy.nextUpstream(), candidates, 1,
          request.facts.upstreamStartNanos());
      retries = r;
    }
    Endpoint next = r.next(condition, clientRequest.method(), sent, canSendAgain());
    if (next == null) {
      return false;
    }
    log.info("{} {}: backend {} endpoint {} answered {}; trying endpoint {}"
        + " (proxy-next-upstream)", clientRequest.method(), clientRequest.uri(), backend.id(),
        endpoint, status, next);
    nextTry();
    tryEndpoint(next, false);
    return true;
  }

  private void upgrade(HttpResponse response) {
    relaying = Relaying.DONE;
    stopTimers();
    UpstreamConnection conn = upstream;
    upstream = null;
    request.facts.upstreamResponded(101);
    HttpResponse head = HeaderRewriter.toClient(response, clientRequest, true, true);
    request.prepareUpstreamResponse(head);
    DefaultFullHttpResponse full =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(), Unpooled.EMPTY_BUFFER,
            head.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
    client.writeAndFlush(full);
    if (conn != null) {
      owner.switchToWebSocket(this, conn);
    }
  }

  @Override
  public void clientWritabilityChanged() {
    if (relaying == Relaying.DONE) {
      return;
    }
    boolean writable = client.channel().isWritable();
    ResponsePacer paced = pacer;
    if (writable && paced != null) {
      // Also once the upstream's part is over and only paced parts wait for the client.
      paced.resume();
      if (paced.holding() || relaying == Relaying.DONE) {
        return;
      }
    }
    UpstreamConnection conn = upstream;
    if (conn == null) {
      return;
    }
    if (writable) {
      resumeUpstream();
    } else {
      pauseUpstream();
    }
  }

  /** Reads from the upstream again (the client can take more, and no paced part waits). */
  private void resumeUpstream() {
    UpstreamConnection conn = upstream;
    if (conn == null || relaying == Relaying.DONE || !client.channel().isWritable()) {
      return;
    }
    conn.channel().config().setAutoRead(true);
    if (sending == Sending.SENT) {
      armReadTimer();
    }
  }

  private void pauseUpstream() {
    UpstreamConnection conn = upstream;
    if (conn != null) {
      conn.channel().config().setAutoRead(false);
      // The upstream is silent because the client is slow, not because the upstream is.
      cancelReadTimer();
    }
  }

  // ---- failures -----------------------------------------------------------------------------

  @Override
  public void onUpstreamClosed(boolean failed) {
    UpstreamConnection conn = upstream;
    if (relaying == Relaying.DONE) {
      upstream = null;
      return;
    }
    stopTimers();
    upstream = null;
    if (relaying != Relaying.STREAMING && conn != null && keepingUnanswered
        && conn.neverProcessed() && retries().resendOnce()) {
      // An HTTP/2 stream refused by a GOAWAY that crossed its opening (its id above the frame's
      // last-stream-id), or never sent: the upstream never processed it, so it goes once more,
      // whatever its method (RFC 9113, section 8.7), on another connection (that one takes no
      // new stream). It counts as the same try.
      nextTry();
      tryEndpoint(conn.endpoint(), false);
      return;
    }
    if (relaying != Relaying.STREAMING && conn != null && conn.isReused()
        && sending != Sending.RECEIVING && resendAfterStaleConnection()) {
      // A pooled connection the upstream closed while it sat idle: the request goes once more on
      // a new connection to the same endpoint.
      nextTry();
      tryEndpoint(conn.endpoint(), true);
      return;
    }
    upstreamBroken(NextUpstream.ERROR, failed ? "reset the connection" : "closed the connection");
  }

  private boolean resendAfterStaleConnection() {
    return retries().resendAfterStaleConnection(clientRequest.method(), canSendAgain());
  }

  private UpstreamRetries retries() {
    UpstreamRetries r = retries;
    if (r == null) {
      r = new UpstreamRetries(policy.nextUpstream(), candidates, 1,
          request.facts.upstreamStartNanos());
      retries = r;
    }
    return r;
  }

  /** The upstream sent a head that cannot be relayed ({@code invalid_header}). */
  private void invalidHead(String what) {
    upstreamBroken(NextUpstream.INVALID_HEADER, what);
  }

  private void upstreamBroken(int condition, String what) {
    if (relaying == Relaying.DONE) {
      return;
    }
    if (relaying != Relaying.STREAMING) {
      tryFailed(condition, HttpResponseStatus.BAD_GATEWAY,
          "backend " + backend.id() + " endpoint " + endpoint + " " + what + " before responding");
    } else if (grpcDeadlineGone()) {
      grpcDeadlinePassed();
    } else if (grpc) {
      log.info("Backend {} endpoint {} {} mid-response; ending the gRPC call with UNAVAILABLE",
          backend.id(), endpoint, what);
      endWithGrpcStatus(GrpcErrors.UNAVAILABLE, "backend " + backend.id() + " " + what);
    } else {
      log.info("Backend {} endpoint {} {} mid-response; closing the client connection",
          backend.id(), endpoint, what);
      abort();
    }
  }

  /** The upstream connection's one deadline passed: the send timeout's, else the read timeout's. */
  private void deadlinePassed() {
    timedOut(sendTimerOn
        ? "took no request bytes for " + sendTimeout.toMillis() + " ms (proxy-send-timeout)"
        : "did not answer within " + readTimeout.toMillis() + " ms (proxy-read-timeout)");
  }

  /**
   * An upstream timeout ({@code what} happened): before the response head a failed try (504, or
   * the next endpoint), after it the client connection closes without the response's end.
   */
  private void timedOut(String what) {
    sendTimerOn = false;
    readTimerOn = false;
    if (relaying == Relaying.DONE) {
      return;
    }
    if (relaying != Relaying.STREAMING) {
      tryFailed(NextUpstream.TIMEOUT, HttpResponseStatus.GATEWAY_TIMEOUT,
          "backend " + backend.id() + " endpoint " + endpoint + " " + what);
    } else if (grpc) {
      log.info("Backend {} endpoint {} {} mid-response; ending the gRPC call", backend.id(),
          endpoint, what);
      endWithGrpcStatus(GrpcErrors.DEADLINE_EXCEEDED, "backend " + backend.id() + " " + what);
    } else {
      log.info("Backend {} endpoint {} {} mid-response; closing", backend.id(), endpoint, what);
      abort();
    }
  }

  /** Whether the call's {@code grpc-timeout} has passed (its timer may not have run yet). */
  private boolean grpcDeadlineGone() {
    GrpcTimeout deadline = grpcDeadline;
    return deadline != null && deadline.passed();
  }

  /** The call's {@code grpc-timeout} passed: {@code DEADLINE_EXCEEDED}, whatever the state. */
  private void grpcDeadlinePassed() {
    GrpcTimeout deadline = grpcDeadline;
    grpcDeadline = null;
    if (deadline == null || relaying == Relaying.DONE) {
      return;
    }
    deadline.cancel(); // when called before its timer ran
    String what = "the call's deadline passed (" + deadline.describe() + ")";
    if (relaying == Relaying.STREAMING) {
      endWithGrpcStatus(GrpcErrors.DEADLINE_EXCEEDED, what);
    } else {
      // No further try: the deadline is the call's, not the endpoint's.
      log.info("{} {}: {} before backend {} answered", clientRequest.method(),
          clientRequest.uri(), what, backend.id());
      answer(HttpResponseStatus.GATEWAY_TIMEOUT, what + " before backend " + backend.id()
          + " answered");
    }
  }

  /**
   * Ends a gRPC response under way with {@code grpc-status} trailers ({@code status}, {@code
   * text}) instead of cutting it; the upstream stream or connection is discarded. The access log
   * marks the response cut short.
   */
  private void endWithGrpcStatus(int status, String text) {
    HttpResponse started = upstreamResponse;
    relaying = Relaying.DONE;
    stopTimers();
    releasePending();
    discardUpstream();
    ChannelFuture written = client.writeAndFlush(GrpcErrors.trailers(status, text));
    owner.telemetry().aborted(request.facts, started != null ? started.status().code() : 200);
    owner.exchangeDone(this, clientKeepAlive && sending != Sending.RECEIVING, written);
  }


  private void fail(HttpResponseStatus status, String detail) {
    log.warn("{} for {} {}: {}", status.code(), clientRequest.method(), clientRequest.uri(),
        detail);
    if (status.code() != 413 && !grpc && errorPages.intercepts(status.code())) {
      replaceError(status.code(), detail, null);
      return;
    }
    answer(status, detail);
  }

  /**
   * The route replaces this error with an error page ({@code custom-http-errors}): the upstream's
   * response, if it sent one, is dropped ({@link InterceptedResponse}) and an {@link
   * ErrorPageExchange} takes over the client.
   */
  private void replaceError(int code, String detail, @Nullable HttpResponse response) {
    relaying = Relaying.DONE;
    stopTimers();
    releasePending();
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null && response != null) {
      request.facts.upstreamResponded(code);
      InterceptedResponse.drain(conn, sending == Sending.SENT && HttpUtil.isKeepAlive(response),
          readTimeoutNanos);
    } else if (conn != null) {
      conn.discard();
    }
    owner.replaceError(this, code, detail, keepAlive, sending != Sending.RECEIVING);
  }

  /** Answers {@code status} in place of a response; the upstream connection is discarded. */
  private void answer(HttpResponseStatus status, String detail) {
    relaying = Relaying.DONE;
    stopTimers();
    releasePending();
    discardUpstream();
    boolean keep = keepAlive && sending != Sending.RECEIVING && !owner.isDraining();
    var answer = PlainResponses.of(status, detail, keep);
    request.prepareLocalResponse(answer);
    request.facts.bytesOut(answer.content().readableBytes());
    ChannelFuture written = client.writeAndFlush(answer);
    owner.telemetry().completed(request.facts, status.code());
    owner.exchangeDone(this, keep, written);
  }

  private void abort() {
    HttpResponse started = upstreamResponse;
    abort(started != null ? started.status().code() : 502);
  }

  /** Closes the client connection without the response's end; logs {@code status}. */
  private void abort(int status) {
    relaying = Relaying.DONE;
    if (clientFlushPending) {
      // What was relayed goes out before the cut, as when each part was flushed.
      clientFlushPending = false;
      client.flush();
    }
    stopTimers();
    releasePending();
    discardUpstream();
    owner.telemetry().aborted(request.facts, status);
    owner.abort(this);
  }

  @Override
  public void requestBroken(HttpResponseStatus status, String detail) {
    if (relaying == Relaying.DONE) {
      return;
    }
    if (relaying == Relaying.STREAMING) {
      // The upstream is answering a request whose body will not end: cut both.
      abort(status.code());
    } else {
      // The upstream saw part of a request that will not end: it is discarded, never pooled.
      answer(status, detail);
    }
  }

  @Override
  public void clientStalled(long unsentBytes) {
    if (relaying == Relaying.DONE) {
      return;
    }
    HttpResponse started = upstreamResponse;
    request.facts.unsent(unsentBytes);
    relaying = Relaying.DONE;
    stopTimers();
    releasePending();
    discardUpstream();
    if (started != null) {
      owner.telemetry().aborted(request.facts, started.status().code());
    } else {
      owner.telemetry().completed(request.facts, 499);
    }
  }

  @Override
  public void clientClosed() {
    if (relaying == Relaying.DONE) {
      return;
    }
    relaying = Relaying.DONE;
    stopTimers();
    releasePending();
    discardUpstream();
    // The client left before its response was complete: nginx's 499.
    owner.telemetry().completed(request.facts, 499);
  }

  private void discardUpstream() {
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) {
      conn.discard();
    }
  }

  private void releasePending() {
    ResponsePacer paced = pacer;
    if (paced != null) {
      pacer = null;
      paced.close();
    }
    BufferedBody whole = body;
    if (whole != null) {
      body = null;
      whole.release();
    }
    while (!pending.isEmpty()) {
      pending.poll().release();
    }
    releaseUnanswered();
  }

  /** Keeps {@code content} to send again; returns what to write now (sharing its bytes). */
  private HttpContent keepUnanswered(HttpContent content) {
    unansweredBytes += content.content().readableBytes();
    if (unansweredBytes > MAX_UNANSWERED_BYTES) {
      releaseUnanswered(); // too much to keep: a refused stream fails as any broken one
      return content;
    }
    ArrayDeque<HttpContent> kept = unanswered;
    if (kept == null) {
      kept = new ArrayDeque<>(2);
      unanswered = kept;
    }
    kept.add(content);
    return content.retainedDuplicate();
  }

  private void releaseUnanswered() {
    keepingUnanswered = false;
    ArrayDeque<HttpContent> kept = unanswered;
    unanswered = null;
    if (kept != null) {
      while (!kept.isEmpty()) {
        kept.poll().release();
      }
    }
  }

  /**
   * The current try no longer counts as in flight on its endpoint; {@code measured}: its time
   * (from its start to now: the response head, or the failure) goes into the endpoint's latency.
   * Once per try: later calls do nothing.
   */
  private void endTry(boolean measured) {
    EndpointLoad l = load;
    if (l != null) {
      load = null;
      if (measured) {
        l.ended(tryStartNanos, System.nanoTime());
      } else {
        l.abandoned();
      }
    }
  }

  private void armReadTimer() {
    UpstreamConnection conn = upstream;
    if (conn != null) {
      readTimerOn = true;
      if (!sendTimerOn) {
        conn.expectResponseWithin(readTimeoutNanos, onDeadline);
      }
    }
  }

  private void cancelReadTimer() {
    if (readTimerOn) {
      readTimerOn = false;
      UpstreamConnection conn = upstream;
      if (conn != null && !sendTimerOn) {
        conn.stopResponseDeadline();
      }
    }
  }

  /**
   * No upstream timer runs any more: the try (or the whole exchange) is over, and the try no
   * longer counts as in flight. Every way a try or the exchange ends passes here.
   */
  private void stopTimers() {
    endTry(false);
    readTimerOn = false;
    sendTimerOn = false;
    GrpcTimeout deadline = grpcDeadline;
    if (deadline != null && relaying == Relaying.DONE) {
      grpcDeadline = null;
      deadline.cancel();
    }
    UpstreamConnection conn = upstream;
    if (conn != null) {
      conn.stopResponseDeadline();
    }
  }
}
