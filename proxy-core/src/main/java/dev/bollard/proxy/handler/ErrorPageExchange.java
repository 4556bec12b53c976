package dev.bollard.proxy.handler;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.http.PlainResponses;
import dev.bollard.proxy.step.ErrorPages;
import dev.bollard.proxy.step.RoutePolicy;
import dev.bollard.proxy.upstream.UpstreamConnection;
import dev.bollard.proxy.upstream.UpstreamListener;
import dev.bollard.proxy.upstream.UpstreamPools;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response of a request whose error an error page replaces ({@code custom-http-errors}): the
 * page is fetched from the route's error backend through the same upstream pools ({@link
 * ErrorPageHeaders#errorPageRequest}) and relayed to the client as the error backend sent it,
 * status included (ingress-nginx's {@code error_page CODE = @custom_…}: the error backend is
 * expected to answer with the right code). The error backend's own errors are never replaced
 * again: if it cannot be reached, fails or goes silent before its head, the client gets the
 * proxy's plain answer with the original code; after its head, the client connection is cut as
 * for any upstream that breaks mid-response. The page is always fetched in plain HTTP, whatever
 * TLS the error backend's Service is reached with otherwise (ingress-nginx's error locations {@code
 * proxy_pass http://}, even on a route with {@code backend-protocol: HTTPS} or {@code AUTO_HTTP}).
 *
 * <p>The rest of the client's request body, if any, is read and dropped. Everything runs on the
 * client's event loop.
 */
final class ErrorPageExchange implements Exchange, UpstreamListener {

  private static final Logger log = LoggerFactory.getLogger(ErrorPageExchange.class);

  private final ProxyHandler owner;
  private final ChannelHandlerContext client;
  private final ClientRequest request;
  private final int code;
  private final String detail;
  private final Backend backend;
  private final boolean keepAlive;
  private final UpstreamPools pools;
  private final Duration connectTimeout;
  private final long readTimeoutNanos;
  private final List<Endpoint> candidates;
  private final HttpRequest pageRequest;
  private final Runnable onDeadline = this::timedOut;
  private int attempt;
  private boolean requestComplete;
  private boolean staleRetried;
  private @Nullable UpstreamConnection upstream;
  private State state = State.WAITING;
  private int status;
  private boolean upstreamKeepAlive;
  private boolean clientKeepAlive;

  private enum State {
    WAITING,
    INTERIM,
    STREAMING,
    DONE
  }

  /**
   * @param code the error replaced
   * @param detail what the plain answer says if no error page can be had
   * @param requestComplete whether the client's whole request has arrived
   */
  ErrorPageExchange(ProxyHandler owner, ChannelHandlerContext client, ClientRequest request,
      int code, String detail, boolean keepAlive, boolean requestComplete, UpstreamPools pools,
      RoutePolicy policy) {
    ErrorPages pages = policy.errorPages();
    Backend errorBackend = pages.errorBackend();
    if (errorBackend == null || !pages.intercepts(code)) {
      throw new IllegalArgumentException("code: " + code + " (expected: one "
          + pages + " replaces)");
    }
    this.owner = owner;
    this.client = client;
    this.request = request;
    this.code = code;
    this.detail = detail;
    this.backend = errorBackend;
    this.keepAlive = keepAlive;
    this.requestComplete = requestComplete;
    this.pools = pools;
    this.connectTimeout = policy.connectTimeout();
    this.readTimeoutNanos = policy.readTimeout().toNanos();
    this.candidates = pools.tryOrder(client.channel().eventLoop(), errorBackend);
    this.pageRequest = ErrorPageHeaders.errorPageRequest(request, code);
  }

  void start() {
    tryNextEndpoint();
  }

  // ---- the error backend ------------------------------------------------------------------

  private void tryNextEndpoint() {
    if (state == State.DONE) {
      return;
    }
    if (attempt >= candidates.size()) {
      plainAnswer("no endpoint of error backend " + backend.id() + " accepted a connection");
      return;
    }
    Endpoint next = candidates.get(attempt++);
    Future<UpstreamConnection> f =
        pools.acquire(client.channel().eventLoop(), next, null, this, connectTimeout);
    f.addListener(done -> connected(next, f));
  }

  private void connected(Endpoint target, Future<UpstreamConnection> f) {
    if (!f.isSuccess()) {
      log.info("Connect to {} of error backend {} failed: {}", target, backend.id(),
          f.cause().toString());
      tryNextEndpoint();
      return;
    }
    UpstreamConnection conn = f.getNow();
    if (state == State.DONE) {
      conn.release();
      return;
    }
    upstream = conn;
    request.facts.upstreamConnected(conn.address());
    conn.channel().config().setAutoRead(client.channel().isWritable());
    // Its content is the empty buffer, which no write releases: the same request can go out
    // again on a new connection after a stale pooled one.
    conn.channel().writeAndFlush(pageRequest);
    conn.expectResponseWithin(readTimeoutNanos, onDeadline);
  }

  @Override
  public void onUpstreamRead(Object msg) {
    UpstreamConnection conn = upstream;
    if (state == State.DONE || conn == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (conn.channel().config().isAutoRead()) {
      conn.expectResponseWithin(readTimeoutNanos, onDeadline);
    }
    if (msg instanceof HttpResponse response) {
      if (response.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        broken("sent an invalid response (" + response.decoderResult().cause() + ")");
        return;
      }
      int c = response.status().code();
      if (c == 101) {
        ReferenceCountUtil.release(msg);
        broken("switched protocols (101) for an error page");
        return;
      }
      if (c < 200) {
        state = State.INTERIM;
      } else {
        head(response);
      }
    }
    if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        content.release();
        broken("sent a malformed response body");
        return;
      }
      content(content);
    }
  }

  private void head(HttpResponse response) {
    status = response.status().code();
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    state = State.STREAMING;
    request.facts.upstreamResponded(status);
    HttpResponse out = HeaderRewriter.toClient(response, request.head(),
        keepAlive && !owner.isDraining(), false);
    request.prepareUpstreamResponse(out);
    clientKeepAlive = !HeaderRewriter.closesConnection(out);
    client.write(out);
  }

  private void content(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (state != State.STREAMING) {
      if (last && state == State.INTERIM) {
        state = State.WAITING;
      }
      content.release();
      return;
    }
    request.facts.bytesOut(content.content().readableBytes());
    ChannelFuture written = client.writeAndFlush(content);
    if (last) {
      complete(written);
    } else if (!client.channel().isWritable()) {
      pauseUpstream();
    }
  }

  private void complete(ChannelFuture written) {
    state = State.DONE;
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) {
      conn.stopResponseDeadline();
      if (upstreamKeepAlive) {
        conn.release();
      } else {
        conn.discard();
      }
    }
    owner.telemetry().completed(request.facts, status);
    owner.exchangeDone(this, clientKeepAlive && requestComplete, written);
  }

  @Override
  public void onUpstreamWritabilityChanged() {}

  @Override
  public void onUpstreamClosed(boolean failed) {
    UpstreamConnection conn = upstream;
    upstream = null;
    if (state == State.DONE) {
      return;
    }
    if (state == State.WAITING && conn != null && conn.isReused() && !staleRetried) {
      // A pooled connection the error backend closed while it sat idle: ask again on a new one.
      staleRetried = true;
      Endpoint target = conn.endpoint();
      Future<UpstreamConnection> f =
          pools.connect(client.channel().eventLoop(), target, null, this, connectTimeout);
      f.addListener(done -> connected(target, f));
      return;
    }
    broken(failed ? "reset the connection" : "closed the connection");
  }

  private void timedOut() {
    broken("did not answer within " + Duration.ofNanos(readTimeoutNanos).toMillis() + " ms");
  }

  private void broken(String what) {
    if (state == State.DONE) {
      return;
    }
    if (state == State.STREAMING) {
      log.info("Error backend {} {} mid-response; closing the client connection", backend.id(),
          what);
      state = State.DONE;
      discardUpstream();
      owner.telemetry().aborted(request.facts, status);
      owner.abort(this);
    } else {
      plainAnswer("error backend " + backend.id() + " " + what);
    }
  }

  /** No error page: the proxy's own answer with the original code. */
  private void plainAnswer(String why) {
    log.warn("{} for {} {}: {}; {}", code, request.head().method(), request.head().uri(), detail,
        why);
    answer(HttpResponseStatus.valueOf(code), detail);
  }

  private void answer(HttpResponseStatus answerStatus, String text) {
    state = State.DONE;
    discardUpstream();
    boolean keep = keepAlive && requestComplete && !owner.isDraining();
    var answer = PlainResponses.of(answerStatus, text, keep);
    request.prepareLocalResponse(answer);
    request.facts.bytesOut(answer.content().readableBytes());
    ChannelFuture written = client.writeAndFlush(answer);
    owner.telemetry().completed(request.facts, answerStatus.code());
    owner.exchangeDone(this, keep, written);
  }

  private void discardUpstream() {
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) {
      conn.discard();
    }
  }

  private void pauseUpstream() {
    UpstreamConnection conn = upstream;
    if (conn != null) {
      conn.channel().config().setAutoRead(false);
      conn.stopResponseDeadline();
    }
  }

  // ---- the client ---------------------------------------------------------------------------

  @Override
  public void fromClient(HttpContent content) {
    request.facts.bytesIn(content.content().readableBytes());
    if (content instanceof LastHttpContent) {
      requestComplete = true;
    }
    content.release();
  }

  @Override
  public boolean requestComplete() {
    return requestComplete;
  }

  @Override
  public boolean wantsClientData() {
    return !requestComplete && state != State.DONE;
  }

  @Override
  public void clientWritabilityChanged() {
    UpstreamConnection conn = upstream;
    if (conn == null || state != State.STREAMING) {
      return;
    }
    if (client.channel().isWritable()) {
      conn.channel().config().setAutoRead(true);
      conn.expectResponseWithin(readTimeoutNanos, onDeadline);
    } else {
      pauseUpstream();
    }
  }

  @Override
  public void requestBroken(HttpResponseStatus brokenStatus, String brokenDetail) {
    if (state == State.DONE) {
      return;
    }
    if (state == State.STREAMING) {
      state = State.DONE;
      discardUpstream();
      owner.telemetry().aborted(request.facts, brokenStatus.code());
      owner.abort(this);
    } else {
      answer(brokenStatus, brokenDetail);
    }
  }

  @Override
  public void clientClosed() {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    discardUpstream();
    owner.telemetry().completed(request.facts, 499);
  }
}
