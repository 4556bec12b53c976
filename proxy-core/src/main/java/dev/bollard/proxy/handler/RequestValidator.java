package dev.bollard.proxy.handler;

import dev.bollard.proxy.http.PlainResponses;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops hostile or malformed requests between the codec step ({@link #scanningCodec}) and the
 * proxy handler:
 * nothing of a rejected request, and nothing after it on the same connection, is passed on.
 *
 * <p>A rejected head is answered with a short plain-text 400 (or 414, 431, 501, 505) carrying
 * {@code Connection: close}, then the connection closes the way {@link LingeringClose} does, so
 * that the client can read the answer while it is still sending. When earlier pipelined requests still
 * await their responses, the answer waits for them. A body that turns out malformed after its head
 * was passed on is the proxy handler's to answer: the validator stops reading and fires {@link
 * BodyRejected}; the proxy handler answers 400 if no response has started (and closes lingering),
 * else aborts, and must close the connection either way.
 *
 * <p>The pipeline's codec step is {@link #scanningCodec}: a raw-byte scanner that also decodes the
 * requests in place (what Netty's decoder refuses arrives as a failed {@link DecoderResult}, what
 * it would accept silently, such as obs-fold or a bare CR, is refused by the scanner), added
 * before the validator. After a {@code 101 Switching Protocols} response both let bytes through
 * untouched.
 */
public final class RequestValidator extends ChannelDuplexHandler {

  /**
   * User event fired toward the proxy handler when the body of a request already passed on is
   * malformed (say, a bad chunk size); the proxy handler answers or aborts, and closes.
   *
   * @param reason what was wrong, for the log
   */
  public record BodyRejected(String reason) {}

  /**
   * User event fired toward the proxy handler when the validator answers a request itself (400,
   * 414, 431 …), so that the request still gets its access-log line.
   *
   * @param status the status sent
   * @param head the request head as far as it was parsed, or {@code null} when the bytes never
   *     made a head (a raw-byte rule broke first)
   */
  public record RequestRejected(int status, @Nullable HttpRequest head) {}

  private static final Logger LOG = LoggerFactory.getLogger(RequestValidator.class);

  /**
   * The decoder's line buffer starts this small. It is held for the connection's life and grows to
   * the longest head line seen, never shrinking; Netty's default (128 bytes) is paid by every idle
   * connection, even one whose lines are all short (API clients, health checks).
   */
  static final int INITIAL_LINE_BUFFER = 32;

  private final HeadLimits limits;
  private @Nullable RequestValidatorHeadScanner scanner;
  private @Nullable ChannelHandlerContext context;

  /** A head was passed on and its body is still flowing. */
  private boolean inBody;
  /** Requests passed on whose final response has not been written yet. */
  private int awaitingResponses;
  /** The response being written is an interim (1xx) one: its end does not finish a request. */
  private boolean writingInterim;
  private boolean rejected;
  private boolean upgraded;
  private @Nullable Rejection pendingRejection;
  private @Nullable HttpRequest heldHead;

  /**
   * Creates a validator for one connection, with the request-line and header-count limits of
   * {@code limits}.
   */
  public RequestValidator(HeadLimits limits) {
    this.limits = limits;
  }

  /**
   * This validator's codec step: the raw-byte scanner that decodes requests in place for this
   * validator (same limits and strictness as {@link #newServerCodec}, see {@link
   * RequestValidatorHeadScanner}) and encodes responses with Netty's encoder; it also drives the
   * connection's client {@code timeouts}, if not {@code null} (it is the first step that sees
   * request bytes). Add it before the validator, in place of a codec; call once.
   */
  public ChannelHandler scanningCodec(@Nullable ClientTimeouts timeouts) {
    if (scanner != null) {
      throw new IllegalStateException("the validator already has its scanner");
    }
    RequestValidatorHeadScanner codecStep = new RequestValidatorHeadScanner(this, timeouts, limits);
    scanner = codecStep;
    return codecStep;
  }

  /**
   * Netty's HTTP/1.1 server codec with the limits and strictness {@link #scanningCodec} decodes
   * with, for a pipeline without a validator (the not-ready answer): request line up to {@code maxUriBytes} (414 beyond), head
   * up to {@code maxHeaderBytes} (431 beyond), CRLF line endings only, header names and values
   * validated, {@code Content-Length} with {@code Transfer-Encoding} an error (RFC 9112 behaviour,
   * whatever the system property says), no duplicate {@code Content-Length}. Its line buffer
   * starts small (see {@link #INITIAL_LINE_BUFFER}).
   */
  public static HttpServerCodec newServerCodec(HeadLimits limits) {
    return new HttpServerCodec(decoderConfig(limits));
  }

  /** The config of {@link #newServerCodec}'s decoder. */
  public static HttpDecoderConfig decoderConfig(HeadLimits limits) {
    return new HttpDecoderConfig()
        .setInitialBufferSize(INITIAL_LINE_BUFFER)
        .setMaxInitialLineLength(limits.maxUriBytes())
        .setMaxHeaderSize(limits.maxHeaderBytes())
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true)
        .setAllowDuplicateContentLengths(false)
        .setValidateHeaders(true);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (scanner == null) {
      throw new IllegalStateException("RequestValidator needs its codec step before it in the"
          + " pipeline: add validator.scanningCodec(timeouts) in place of an HttpServerCodec");
    }
    context = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeldHead();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (upgraded) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (rejected) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (request.decoderResult().cause() instanceof PrematureChannelClosureException) {
        // The client hung up mid-head: nobody to answer.
        ReferenceCountUtil.release(msg);
        stopReading();
        return;
      }
      Rejection problem = checkHead(request);
      if (problem != null) {
        ReferenceCountUtil.release(msg);
        reject(ctx, problem.withHead(request));
        return;
      }
      announceBody(request);
      if (msg instanceof LastHttpContent) {
        awaitingResponses++;
        ctx.fireChannelRead(msg);
      } else {
        // Held until its first body piece or the end of this read, so that a body already known to
        // be malformed gets a 400 before anything reaches the proxy.
        heldHead = request;
        inBody = true;
      }
    } else if (msg instanceof HttpContent content) {
      DecoderResult result = content.decoderResult();
      if (result.isFailure() || !inBody) {
        ReferenceCountUtil.release(msg);
        failBody(
            ctx,
            result.isFailure()
                ? "malformed body: " + describe(result.cause())
                : "body without a request");
        return;
      }
      passHeldHead(ctx);
      if (msg instanceof LastHttpContent) {
        inBody = false;
      }
      ctx.fireChannelRead(msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    passHeldHead(ctx);
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseHeldHead();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The decoder throws (rather than marking a message failed) when it cannot go on at all, e.g.
    // too many pipelined requests.
    if (cause instanceof DecoderException && !upgraded) {
      if (!rejected) {
        failBody(ctx, "undecodable input");
      }
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean finishesResponse = false;
    if (msg instanceof HttpResponse response) {
      HttpResponseStatus status = response.status();
      if (status.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        upgraded = true;
        if (scanner != null) {
          scanner.passThrough();
        }
      }
      writingInterim =
          status.codeClass() == HttpStatusClass.INFORMATIONAL
              && status.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
    }
    if (msg instanceof LastHttpContent && !writingInterim) {
      finishesResponse = true;
    }
    ctx.write(msg, promise);
    if (finishesResponse && awaitingResponses > 0) {
      awaitingResponses--;
      Rejection pending = pendingRejection;
      if (pending != null && awaitingResponses == 0) {
        pendingRejection = null;
        sendRejection(ctx, pending);
      }
    }
  }

  /** Called by the scanner when raw bytes break the rules; nothing of them reached the decoder. */
  void rejectRaw(String reason, boolean midBody) {
    ChannelHandlerContext ctx = context;
    if (ctx == null || ctx.isRemoved()) {
      return;
    }
    if (midBody) {
      failBody(ctx, reason);
    } else {
      reject(ctx, badRequest(reason));
    }
  }

  private void passHeldHead(ChannelHandlerContext ctx) {
    HttpRequest held = heldHead;
    if (held != null) {
      heldHead = null;
      awaitingResponses++;
      ctx.fireChannelRead(held);
    }
  }

  private void releaseHeldHead() {
    HttpRequest held = heldHead;
    if (held != null) {
      heldHead = null;
      ReferenceCountUtil.release(held);
    }
  }

  /** A body (or the decoder) failed: answer 400 if nothing reached the proxy yet, else abort. */
  private void failBody(ChannelHandlerContext ctx, String reason) {
    if (heldHead != null) {
      releaseHeldHead();
      inBody = false;
      reject(ctx, badRequest(reason));
    } else if (inBody) {
      rejectBody(ctx, reason);
    } else {
      reject(ctx, badRequest(reason));
    }
  }

  private void announceBody(HttpRequest request) {
    RequestValidatorHeadScanner added = scanner;
    if (added == null) {
      return;
    }
    boolean chunked = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
    long contentLength = chunked ? 0 : contentLength(request.headers());
    added.expectBody(chunked, contentLength);
  }

  private @Nullable Rejection checkHead(HttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      return decoderFailure(result.cause());
    }
    if (inBody) {
      return badRequest("request head before the previous body ended");
    }
    RequestValidatorHeadScanner added = scanner;
    if (added != null && !added.isAwaitingHead()) {
      return badRequest("request head the raw-byte scanner did not see");
    }
    int maxHeaderCount = limits.maxHeaderCount();
    if (request.headers().size() > maxHeaderCount) {
      // 431, not 400: RFC 6585 section 5 covers fields too large "collectively", and it is the
      // status of the head-size limit next to it. The count is the decoded one: the head was
      // already bounded by its size.
      return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "more than " + maxHeaderCount + " header fields");
    }
    HttpVersion version = request.protocolVersion();
    if (version.majorVersion() != 1 || version.minorVersion() > 1) {
      return new Rejection(
          HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are served");
    }
    if (!RequestValidatorSyntax.isToken(request.method().name())) {
      return badRequest("invalid method");
    }
    return checkRequest(request, limits.maxUriBytes());
  }

  /**
   * The checks of a head that do not depend on how its bytes were framed, for a request of an
   * HTTP/2 stream once converted to an HTTP/1.1 head ({@link Http2StreamHead}): header count,
   * method, target, {@code Host}, body headers.
   *
   * @return why it is refused, or {@code null}
   */
  static @Nullable Rejection checkConverted(HttpRequest request, HeadLimits limits) {
    if (request.headers().size() > limits.maxHeaderCount()) {
      return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "more than " + limits.maxHeaderCount() + " header fields");
    }
    if (!RequestValidatorSyntax.isToken(request.method().name())) {
      return badRequest("invalid method");
    }
    return checkRequest(request, limits.maxUriBytes());
  }

  private static @Nullable Rejection checkRequest(HttpRequest request, int maxUriBytes) {
    Rejection target = checkTarget(request.method(), request.uri(), maxUriBytes);
    if (target != null) {
      return target;
    }
    Rejection host = checkHost(request.headers(), request.protocolVersion());
    if (host != null) {
      return host;
    }
    return checkFraming(request);
  }

  private static @Nullable Rejection checkTarget(HttpMethod method, String uri, int maxUriBytes) {
    if (uri.length() > maxUriBytes) {
      return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request target too long");
    }
    if (!RequestValidatorSyntax.isRequestTarget(uri)) {
      return badRequest("invalid request target");
    }
    boolean originForm = uri.startsWith("/");
    boolean absoluteForm = RequestValidatorSyntax.isAbsoluteHttpUri(uri);
    boolean asteriskForm = uri.equals("*") && method.equals(HttpMethod.OPTIONS);
    // Authority-form (CONNECT) is a forward-proxy feature; a reverse proxy does not tunnel.
    if (!originForm && !absoluteForm && !asteriskForm) {
      return badRequest("request target must be a path or an absolute http(s) URI");
    }
    return null;
  }

  private static @Nullable Rejection checkHost(HttpHeaders headers, HttpVersion version) {
    // An iterator, not getAll: no list per request.
    Iterator<String> hosts = headers.valueStringIterator(HttpHeaderNames.HOST);
    if (!hosts.hasNext()) {
      return version.equals(HttpVersion.HTTP_1_1) ? badRequest("missing Host header") : null;
    }
    String host = hosts.next();
    if (hosts.hasNext()) {
      return badRequest("more than one Host header");
    }
    return RequestValidatorSyntax.isHost(host) ? null : badRequest("invalid Host header");
  }

  private static @Nullable Rejection checkFraming(HttpRequest request) {
    HttpHeaders headers = request.headers();
    if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
        && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      // No body: most requests, checked with two lookups and no lists.
      return isHixie76Handshake(request)
          ? badRequest("Sec-WebSocket-Key1 and -Key2 (a Hixie-76 handshake) are not supported")
          : null;
    }
    List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
    // The decoder already refuses most of these; checked again so a decoder setting cannot undo it.
    if (!codings.isEmpty() && !lengths.isEmpty()) {
      return badRequest("both Content-Length and Transfer-Encoding");
    }
    if (lengths.size() > 1) {
      return badRequest("more than one Content-Length header");
    }
    if (!lengths.isEmpty() && !RequestValidatorSyntax.isDigits(lengths.get(0))) {
      return badRequest("invalid Content-Length");
    }
    if (!codings.isEmpty()) {
      String joined = String.join(",", codings).toLowerCase(Locale.ROOT);
      String[] parts = joined.split(",", -1);
      if (parts.length == 1 && parts[0].strip().equals("chunked")) {
        return null;
      }
      if (parts[parts.length - 1].strip().equals("chunked")) {
        // Well-formed, but codings other than chunked are not forwarded (nginx answers 501 too).
        return new Rejection(
            HttpResponseStatus.NOT_IMPLEMENTED, "only Transfer-Encoding: chunked is supported");
      }
      return badRequest("Transfer-Encoding must be chunked");
    }
    return null;
  }

  /**
   * A GET with both keys of the Hixie-76 WebSocket draft: Netty's decoders, and so the backends
   * built on them, read 8 bytes of body after such a head although nothing frames them (RFC 9112
   * reads none, as {@link RequestValidatorHeadScanner} does). Forwarded, it would take the first 8
   * bytes of the next request on the upstream connection.
   */
  private static boolean isHixie76Handshake(HttpRequest request) {
    HttpHeaders headers = request.headers();
    return HttpMethod.GET.equals(request.method())
        && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY1)
        && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY2);
  }

  private static long contentLength(HttpHeaders headers) {
    String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    return value == null ? 0 : Long.parseLong(value);
  }

  private static Rejection decoderFailure(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new Rejection(
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request header fields too large");
    }
    return badRequest("malformed request: " + describe(cause));
  }

  /** A fixed description of a decoder failure: its message may quote client input. */
  private static String describe(Throwable cause) {
    String name = cause.getClass().getSimpleName();
    return name.isEmpty() ? "decoder error" : name;
  }

  static Rejection badRequest(String reason) {
    return new Rejection(HttpResponseStatus.BAD_REQUEST, reason);
  }

  private void reject(ChannelHandlerContext ctx, Rejection rejection) {
    if (rejected) {
      return;
    }
    stopReading();
    LOG.debug(
        "rejected request from {}: {} {}",
        remote(ctx),
        rejection.status().code(),
        rejection.reason());
    if (awaitingResponses == 0) {
      sendRejection(ctx, rejection);
    } else {
      pendingRejection = rejection;
    }
  }

  private void rejectBody(ChannelHandlerContext ctx, String reason) {
    if (rejected) {
      return;
    }
    stopReading();
    inBody = false;
    LOG.debug("aborted request from {}: {}", remote(ctx), reason);
    // The proxy handler answers 400 (no response started) or aborts, and closes.
    ctx.fireUserEventTriggered(new BodyRejected(reason));
  }

  private void stopReading() {
    rejected = true;
    RequestValidatorHeadScanner added = scanner;
    if (added != null) {
      added.stop();
    }
  }

  private static void sendRejection(ChannelHandlerContext ctx, Rejection rejection) {
    ctx.fireUserEventTriggered(new RequestRejected(rejection.status().code(), rejection.head()));
    LingeringClose.after(
        ctx.writeAndFlush(PlainResponses.of(rejection.status(), rejection.reason(), false)));
  }

  private static @Nullable SocketAddress remote(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress();
  }

  /** A refused head: the status and reason of the answer, and the head for the access log. */
  record Rejection(HttpResponseStatus status, String reason, @Nullable HttpRequest head) {
    Rejection(HttpResponseStatus status, String reason) {
      this(status, reason, null);
    }

    /** Keeps the head's line and headers (not its content) for the access log. */
    Rejection withHead(HttpRequest request) {
      return new Rejection(status, reason, new DefaultHttpRequest(request.protocolVersion(),
          request.method(), request.uri(), request.headers().copy()));
    }
  }
}
