package dev.bollard.proxy.handler;

import dev.bollard.proxy.http.FieldLines;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.InvalidChunkExtensionException;
import io.netty.handler.codec.http.InvalidChunkTerminationException;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The client connection's HTTP/1.1 codec step ({@link RequestValidator#scanningCodec}): it scans
 * every request byte once, for the framing and for what the validator must refuse at the byte
 * level, decodes each head in place ({@link RequestHeadDecoder}) and hands on the body as slices
 * of the read buffer; responses go out through Netty's encoder ({@link ClientResponseEncoder}),
 * told each request's method.
 *
 * <p>It sends the validator what Netty's {@code HttpServerCodec} sends: an {@link HttpRequest}
 * (failed, with Netty's exception, when Netty's decoder refuses it), then {@link
 * io.netty.handler.codec.http.HttpContent} slices of the read buffer and a {@link LastHttpContent}
 * (with the trailers of a chunked body, {@link LastHttpContent#EMPTY_LAST_CONTENT} for a request
 * without body). A head that arrives in one read is copied once into the event loop's scratch
 * array and scanned and parsed there; only a head split across reads is kept, in an array made
 * then and dropped once the head is whole.
 *
 * <p>Byte-level rules, refused before anything is decoded (the validator answers 400):
 *
 * <ul>
 *   <li>obs-fold (a header line starting with SP or HTAB);
 *   <li>a bare CR or bare LF anywhere in a head;
 *   <li>control characters in the request line;
 *   <li>more than one {@code Content-Length} line.
 * </ul>
 *
 * <p>The request line is bounded by {@code maxUriBytes} (414) and the field lines by {@code
 * maxHeaderBytes} (431), counted as Netty counts them and checked as the bytes arrive.
 *
 * <p>The body framing comes from {@link RequestValidator}, once it accepted a head ({@link
 * #expectBody}); chunk-size lines ({@link ChunkSizeLine}, bounded by {@code maxUriBytes} as Netty
 * bounds them), chunk delimiters and trailers are parsed here as they arrive.
 *
 * <p>Being the first step to see the request's bytes (after TLS and the PROXY protocol header),
 * it also drives the connection's {@link ClientTimeouts}, when it has any: one pipeline step for
 * both, not two.
 */
final class RequestValidatorHeadScanner extends ChannelDuplexHandler {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
  /** Why raw bytes were refused, for the log; {@link #violation} indexes it. */
  private static final String[] REASONS = {
    "",
    "request head could not be decoded",
    "bare CR in the request head",
    "bare LF in the request head",
    "obsolete line folding (header line starting with whitespace)",
    "whitespace before the request line",
    "control character in the request line",
    "more than one Content-Length header",
  };
  private static final byte UNDECODED = 1;
  private static final byte BARE_CR = 2;
  private static final byte BARE_LF = 3;
  private static final byte OBS_FOLD = 4;
  private static final byte LEADING_WHITESPACE = 5;
  private static final byte CONTROL_CHARACTER = 6;
  private static final byte SECOND_CONTENT_LENGTH = 7;
  /**
   * The first bytes of a read scanned in the thread's scratch array: most heads fit. Never more
   * than the scratch array keeps ({@link #sectionBytes} finds a whole head there).
   */
  private static final int WINDOW = Math.min(4096, FieldLines.KEPT_SCRATCH);
  private static final int SECTION_GOES_ON = -1;
  private static final int VIOLATION = -2;
  private static final int LINE_TOO_LONG = -3;
  private static final int FIELDS_TOO_LARGE = -4;

  private enum Mode {
    /** Scanning a request head. */
    HEAD,
    /** The head was handed over; the validator is deciding on it. */
    HEAD_DECODING,
    FIXED_BODY,
    CHUNK_SIZE_LINE,
    CHUNK_DATA,
    /** The CRLF after a chunk's data: {@link #chunkState} counts its bytes. */
    CHUNK_DELIMITER,
    TRAILERS,
    /** Connection upgraded (101): bytes are no longer HTTP. */
    PASS_THROUGH,
    /** A request was rejected: nothing more is decoded. */
    STOPPED
  }

  private final RequestValidator validator;
  private final @Nullable ClientTimeouts timeouts;
  private final HeadLimits limits;
  /** Netty's response encoder, told each request's method. */
  private final ClientResponseEncoder encoder = new ClientResponseEncoder();

  private Mode mode = Mode.HEAD;
  /** Bytes left of a fixed body or chunk; while reading a chunk-size line, the size so far. */
  private long remaining;
  /** The bytes of a head or trailer section split across reads; {@code null} between them. */
  private byte @Nullable [] partial;
  /** How many bytes of {@link #partial} are the section's so far. */
  private int partialLength;

  // State of the head (or trailer section) being scanned, at its last whole line.
  private boolean sawStartLine;
  /** Bytes were taken during this read but no message handed on (reading by hand: read on). */
  private boolean bytesTaken;
  private boolean handedOn;
  /**
   * Where the line not yet whole starts in {@link #partial}. While a chunk-size line is read (no
   * section is): that line's bytes so far, CR and LF not counted.
   */
  private int scanFrom;
  /**
   * Bytes of the field lines so far (without CRLF), as Netty counts them against {@code
   * maxHeaderBytes}: the trailers count on from their head. Before the request line: the bytes of
   * empty lines.
   */
  private int fieldBytes;
  /** {@code Content-Length} lines in the head so far (at most 2: the second is refused). */
  private byte contentLengthLines;
  /** What broke the rules, an index into {@link #REASONS}: a byte, not a reference per connection. */
  private byte violation;
  /** The {@link ChunkSizeLine} state, or the delimiter bytes seen. */
  private byte chunkState;

  RequestValidatorHeadScanner(RequestValidator validator, @Nullable ClientTimeouts timeouts,
      HeadLimits limits) {
    this.validator = validator;
    this.timeouts = timeouts;
    this.limits = limits;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    if (timeouts != null) {
      timeouts.attach(ctx);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
    if (timeouts != null) {
      timeouts.detach();
    }
    // What was read of a split head is handed on, as a decoder leaving a pipeline does.
    byte[] buffered = partial;
    if (buffered != null) {
      partial = null;
      ctx.fireChannelRead(Unpooled.wrappedBuffer(buffered, 0, partialLength));
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (timeouts != null) {
      timeouts.active();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (timeouts != null) {
      timeouts.detach();
    }
    if (partial != null) {
      partial = null;
      if (mode == Mode.HEAD && sawStartLine) {
        // Netty's decoder tells of a head cut short once its request line was read.
        fire(ctx, RequestHeadDecoder.invalid(
            new PrematureChannelClosureException("Connection closed before received headers")));
      }
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    // As ByteToMessageDecoder: bytes taken but no message yet, and nobody reading: read on.
    if (bytesTaken && !handedOn && mode != Mode.STOPPED && mode != Mode.PASS_THROUGH
        && !ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
    bytesTaken = false;
    handedOn = false;
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    encoder.write(ctx, msg, promise);
  }

  /** True while the validator is deciding on a head just handed on, and only then. */
  boolean isAwaitingHead() {
    return mode == Mode.HEAD_DECODING;
  }

  /**
   * The head just handed on was accepted; its body is {@code contentLength} bytes long, or chunked
   * when {@code chunked}.
   */
  void expectBody(boolean chunked, long contentLength) {
    if (chunked) {
      startChunkSizeLine();
    } else if (contentLength > 0) {
      remaining = contentLength;
      mode = Mode.FIXED_BODY;
    } else {
      startHead();
      return;
    }
    if (timeouts != null) {
      // Until the body's last byte (startHead), the client body timeout runs.
      timeouts.bodyExpected();
    }
  }

  /** Stops decoding, for good. */
  void stop() {
    mode = Mode.STOPPED;
  }

  /** The connection switched protocols: relay bytes untouched from now on. */
  void passThrough() {
    if (mode != Mode.STOPPED) {
      mode = Mode.PASS_THROUGH;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (timeouts != null && msg instanceof ByteBuf buf && buf.isReadable()) {
      timeouts.bytesArrived();
    }
    if (mode == Mode.PASS_THROUGH || !(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    bytesTaken = true;
    try {
      decode(ctx, in);
      if (mode == Mode.PASS_THROUGH && in.isReadable()) {
        ctx.fireChannelRead(in.retain());
      }
    } catch (RuntimeException e) {
      // A bug here must not leave the connection half-decoded: fail it as a decoder would.
      mode = Mode.STOPPED;
      ctx.fireExceptionCaught(new DecoderException(e));
    } finally {
      ReferenceCountUtil.release(in);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    // The decoder forgets the body of a request whose expectation failed; do the same.
    if (evt instanceof HttpExpectationFailedEvent
        && (mode == Mode.FIXED_BODY
            || mode == Mode.CHUNK_SIZE_LINE && chunkState == ChunkSizeLine.START)) {
      startHead();
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void decode(ChannelHandlerContext ctx, ByteBuf in) {
    while (in.isReadable()) {
      switch (mode) {
        case HEAD -> {
          if (!head(ctx, in)) {
            return;
          }
        }
        case TRAILERS -> {
          if (!trailers(ctx, in)) {
            return;
          }
        }
        case FIXED_BODY -> {
          int length = (int) Math.min(remaining, in.readableBytes());
          ByteBuf piece = in.readRetainedSlice(length);
          remaining -= length;
          if (remaining == 0) {
            startHead();
            fire(ctx, new DefaultLastHttpContent(piece));
          } else {
            fire(ctx, new DefaultHttpContent(piece));
          }
        }
        case CHUNK_DATA -> {
          int length = (int) Math.min(remaining, in.readableBytes());
          ByteBuf piece = in.readRetainedSlice(length);
          remaining -= length;
          if (remaining == 0) {
            mode = Mode.CHUNK_DELIMITER;
            chunkState = 0;
          }
          fire(ctx, new DefaultHttpContent(piece));
        }
        case CHUNK_SIZE_LINE -> chunkSizeLine(ctx, in);
        case CHUNK_DELIMITER -> {
          byte b = in.readByte();
          if (b != (chunkState == 0 ? CR : LF)) {
            failBody(ctx, new InvalidChunkTerminationException(
                "Chunk data sections must be terminated by a CR LF octet pair", null));
            return;
          }
          if (++chunkState == 2) {
            startChunkSizeLine();
          }
        }
        case HEAD_DECODING -> {
          // More bytes while a head still awaits its verdict: framing is lost, fail closed.
          violation = UNDECODED;
          reject();
          return;
        }
        default -> {
          return; // STOPPED, PASS_THROUGH
        }
      }
    }
  }

  /** Scans (and when whole, decodes) a head; false when this read has nothing more for now. */
  private boolean head(ChannelHandlerContext ctx, ByteBuf in) {
    int end = scanSection(in);
    if (end == SECTION_GOES_ON) {
      return false;
    }
    if (end < 0) {
      HttpRequest refused = null;
      if (end == LINE_TOO_LONG) {
        refused = RequestHeadDecoder.invalid(new TooLongHttpLineException(
            "An HTTP line is larger than " + limits.maxUriBytes() + " bytes."));
      } else if (end == FIELDS_TOO_LARGE) {
        // The request line was whole: the refusal names it, as Netty's does (the access log).
        int scanned = partial != null ? partialLength : Math.min(in.readableBytes(), WINDOW);
        refused = RequestHeadDecoder.tooLarge(sectionBytes(), scanned,
            new TooLongHttpHeaderException(
                "HTTP header is larger than " + limits.maxHeaderBytes() + " bytes."));
      }
      dropPartial();
      if (refused == null) {
        reject();
      } else {
        // Refused as soon as the limit is passed, as Netty does, with Netty's exception.
        in.skipBytes(in.readableBytes());
        handHead(ctx, refused);
      }
      return false;
    }
    HttpRequest request =
        RequestHeadDecoder.decode(sectionBytes(), 0, end, limits.maxHeaderBytes());
    partial = null;
    return handHead(ctx, request);
  }

  /**
   * Hands a decoded head to the validator, then, for a request without body, its end. False when
   * nothing more is to be decoded.
   */
  private boolean handHead(ChannelHandlerContext ctx, HttpRequest request) {
    if (!encoder.requestDecoded(request.method())) {
      // Too many requests awaiting their responses: what Netty's codec throws (the validator
      // answers 400 once the earlier responses are out).
      mode = Mode.STOPPED;
      ReferenceCountUtil.release(request);
      ctx.fireExceptionCaught(new DecoderException(new IllegalStateException(
          "maxPipelineDepth exceeded: " + ClientResponseEncoder.MAX_PIPELINE_DEPTH)));
      return false;
    }
    mode = Mode.HEAD_DECODING;
    fire(ctx, request);
    if (request.decoderResult().isFailure()) {
      mode = Mode.STOPPED; // as Netty's decoder after a bad message: nothing more
      return false;
    }
    if (mode == Mode.HEAD_DECODING) {
      // Nobody announced the body (no validator decided): framing is unknown, fail closed.
      violation = UNDECODED;
      reject();
      return false;
    }
    if (mode == Mode.HEAD) {
      fire(ctx, LastHttpContent.EMPTY_LAST_CONTENT);
    }
    return mode != Mode.STOPPED;
  }

  private boolean trailers(ChannelHandlerContext ctx, ByteBuf in) {
    int end = scanSection(in);
    if (end == SECTION_GOES_ON) {
      return false;
    }
    if (end == VIOLATION) {
      dropPartial();
      reject();
      return false;
    }
    if (end == FIELDS_TOO_LARGE) {
      dropPartial();
      failBody(ctx, new TooLongHttpHeaderException(
          "HTTP header is larger than " + limits.maxHeaderBytes() + " bytes."));
      return false;
    }
    LastHttpContent last;
    try {
      last = trailer(sectionBytes(), end);
    } catch (RuntimeException e) {
      failBody(ctx, e);
      return false;
    } finally {
      partial = null;
    }
    startHead();
    fire(ctx, last);
    return mode != Mode.STOPPED;
  }

  /** The end of a chunked body: its trailer section in {@code bytes[0, end)}, blank line included. */
  private static LastHttpContent trailer(byte[] bytes, int end) {
    if (end == 2) {
      return LastHttpContent.EMPTY_LAST_CONTENT;
    }
    LastHttpContent last = new DefaultLastHttpContent(
        Unpooled.EMPTY_BUFFER, DefaultHttpHeadersFactory.trailersFactory());
    // Sizes were checked while scanning (the trailers count on from their head).
    FieldLines.parse(bytes, 0, end - 2, last.trailingHeaders(), 0, Integer.MAX_VALUE, true);
    return last;
  }

  private void chunkSizeLine(ChannelHandlerContext ctx, ByteBuf in) {
    int end = in.writerIndex();
    int maxLine = limits.maxUriBytes();
    for (int i = in.readerIndex(); i < end; i++) {
      byte b = in.getByte(i);
      // Bounded as Netty bounds it (its request-line parser reads it): else leading zeros or an
      // extension could stream on for ever, none of it body.
      if (b != CR && b != LF && ++scanFrom > maxLine) {
        in.readerIndex(i + 1);
        failBody(ctx, new TooLongHttpLineException(
            "An HTTP line is larger than " + maxLine + " bytes."));
        return;
      }
      int state = chunkState;
      if (ChunkSizeLine.readsDigit(state, b)) {
        remaining = remaining * 16 + ChunkSizeLine.hexDigit(b);
        if (remaining > Integer.MAX_VALUE) {
          in.readerIndex(i + 1);
          failBody(ctx, new NumberFormatException("Chunk size overflow"));
          return;
        }
      }
      state = ChunkSizeLine.next(state, b);
      if (state < 0) {
        in.readerIndex(i + 1);
        failBody(ctx, state == ChunkSizeLine.BAD_SIZE
            ? new NumberFormatException("Invalid chunk size")
            : new InvalidChunkExtensionException("Invalid chunk extension", null));
        return;
      }
      if (state == ChunkSizeLine.END) {
        in.readerIndex(i + 1);
        if (remaining == 0) {
          startTrailers();
        } else {
          mode = Mode.CHUNK_DATA; // remaining is the chunk size just read
        }
        return;
      }
      chunkState = (byte) state;
    }
    in.readerIndex(end);
  }

  /** A body turned out malformed: the validator hears of it as Netty's decoder tells it. */
  private void failBody(ChannelHandlerContext ctx, Exception cause) {
    mode = Mode.STOPPED;
    LastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    failed.setDecoderResult(DecoderResult.failure(cause));
    fire(ctx, failed);
  }

  private void fire(ChannelHandlerContext ctx, Object msg) {
    handedOn = true;
    ctx.fireChannelRead(msg);
  }

  private void dropPartial() {
    partial = null;
  }

  private void reject() {
    boolean midBody = mode == Mode.TRAILERS;
    mode = Mode.STOPPED;
    validator.rejectRaw(REASONS[violation], midBody);
  }

  /**
   * Scans the head or trailer section that starts at {@code in}'s reader index (or in {@link
   * #partial}, when an earlier read left part of it), a line at a time, over an array: the first
   * {@link #WINDOW} readable bytes copied into this thread's scratch array ({@link
   * FieldLines#scratch}), or the kept bytes of a split section. When the section is whole, returns
   * its length, with {@code in}'s reader index just past it and the section from index 0 of
   * {@link #sectionBytes}. Else {@link #SECTION_GOES_ON} (every readable byte kept in {@link
   * #partial}), {@link #LINE_TOO_LONG}, {@link #FIELDS_TOO_LARGE} or {@link #VIOLATION} (with
   * {@link #violation} set).
   */
  private int scanSection(ByteBuf in) {
    int readable = in.readableBytes();
    byte[] kept = partial;
    if (kept == null) {
      int window = Math.min(readable, WINDOW);
      byte[] scratch = FieldLines.scratch(window);
      in.getBytes(in.readerIndex(), scratch, 0, window);
      int end = scanLines(scratch, 0, window);
      if (end >= 0) {
        in.skipBytes(end);
        return end;
      }
      if (end != SECTION_GOES_ON) {
        return end;
      }
      // Split across reads (room to grow), or longer than the window (the rest is here): keep
      // the bytes, in an array made only now.
      kept = new byte[window == readable ? Math.max(readable * 2, 256) : readable];
      in.readBytes(kept, 0, readable);
      partial = kept;
      partialLength = readable;
      if (window == readable) {
        return SECTION_GOES_ON;
      }
      end = scanLines(kept, scanFrom, readable);
      return end >= 0 ? endKept(in, end, readable) : end;
    }
    int before = partialLength;
    if (before + readable > kept.length) {
      kept = Arrays.copyOf(kept, Math.max(kept.length * 2, before + readable));
      partial = kept;
    }
    in.getBytes(in.readerIndex(), kept, before, readable);
    partialLength = before + readable;
    // Only the line the last read ended in is scanned again, as Netty's decoder does.
    int end = scanLines(kept, scanFrom, partialLength);
    if (end >= 0) {
      in.skipBytes(end - before);
      return end;
    }
    if (end == SECTION_GOES_ON) {
      in.skipBytes(readable);
    }
    return end;
  }

  /**
   * The section ended at {@code end} of the bytes kept from this read alone ({@code readable} of
   * them): what follows it goes back to {@code in}.
   */
  private static int endKept(ByteBuf in, int end, int readable) {
    in.readerIndex(in.readerIndex() - (readable - end));
    return end;
  }

  /** The bytes of the section {@link #scanSection} found whole, from index 0. */
  private byte[] sectionBytes() {
    byte[] kept = partial;
    return kept != null ? kept : FieldLines.scratch(0);
  }

  /**
   * The lines of a section in {@code bytes} from {@code from} to {@code end}: the index just past
   * the blank line that ends it, or {@link #SECTION_GOES_ON} with {@link #scanFrom} at the start
   * of the line not yet whole, or a refusal. Each whole line is checked once.
   */
  private int scanLines(byte[] bytes, int from, int end) {
    int lineStart = from;
    while (true) {
      int cr = FieldLines.indexOfCrOrLf(bytes, lineStart, end);
      if (cr >= 0 && bytes[cr] == LF) {
        return violation(BARE_LF);
      }
      if (cr >= 0 && cr + 1 < end && bytes[cr + 1] != LF) {
        return violation(BARE_CR);
      }
      if (cr < 0 || cr + 1 == end) {
        // The line goes on; bounded already, as Netty bounds it (its CR, if last, not counted).
        int tail = end - lineStart;
        if (tail > 0 && bytes[end - 1] == CR) {
          tail--;
        }
        if (!sawStartLine ? tail > limits.maxUriBytes()
            : fieldBytes + tail > limits.maxHeaderBytes()) {
          return sawStartLine ? FIELDS_TOO_LARGE : LINE_TOO_LONG;
        }
        scanFrom = lineStart;
        return SECTION_GOES_ON;
      }
      int lf = cr + 1;
      int length = cr - lineStart;
      if (length == 0) {
        if (sawStartLine) {
          return lf + 1;
        }
        // Empty lines before the request line are allowed (RFC 9112, section 2.2), not without
        // bound: they are kept with a split head.
        fieldBytes += 2;
        if (fieldBytes > limits.maxUriBytes()) {
          return LINE_TOO_LONG;
        }
        lineStart = lf + 1;
        continue;
      }
      byte first = bytes[lineStart];
      if (first == ' ' || first == '\t') {
        return violation(sawStartLine ? OBS_FOLD : LEADING_WHITESPACE);
      }
      if (!sawStartLine) {
        if (length > limits.maxUriBytes()) {
          return LINE_TOO_LONG;
        }
        for (int i = lineStart; i < lf - 1; i++) {
          if ((bytes[i] & 0xff) < 0x20 || bytes[i] == 0x7f) {
            return violation(CONTROL_CHARACTER);
          }
        }
        sawStartLine = true;
        fieldBytes = 0;
      } else {
        fieldBytes += length;
        if (fieldBytes > limits.maxHeaderBytes()) {
          return FIELDS_TOO_LARGE;
        }
        if (mode == Mode.HEAD && isContentLength(bytes, lineStart, length)
            && ++contentLengthLines > 1) {
          return violation(SECOND_CONTENT_LENGTH);
        }
      }
      lineStart = lf + 1;
    }
  }

  /** Whether the field line at {@code start} is a {@code Content-Length} one (any case). */
  private static boolean isContentLength(byte[] bytes, int start, int length) {
    if (length < CONTENT_LENGTH.length || (bytes[start] | 0x20) != 'c') {
      return false;
    }
    for (int i = 1; i < CONTENT_LENGTH.length; i++) {
      byte b = bytes[start + i];
      byte lower = b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
      if (lower != CONTENT_LENGTH[i]) {
        return false;
      }
    }
    return true;
  }

  private int violation(byte reason) {
    violation = reason;
    return VIOLATION;
  }

  private void startHead() {
    if (timeouts != null) {
      timeouts.bodyEnded();
    }
    mode = Mode.HEAD;
    resetSection();
    sawStartLine = false;
    fieldBytes = 0;
  }

  private void startTrailers() {
    mode = Mode.TRAILERS;
    resetSection();
    // Trailers have no start line: the first line is already a field line.
    sawStartLine = true;
  }

  private void startChunkSizeLine() {
    mode = Mode.CHUNK_SIZE_LINE;
    remaining = 0;
    chunkState = ChunkSizeLine.START;
    scanFrom = 0;
  }

  private void resetSection() {
    scanFrom = 0;
    contentLengthLines = 0;
  }
}
