package dev.bollard.proxy.handler;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Raw-byte partner of {@link RequestValidator}, in front of the {@code HttpServerCodec}: it
 * rejects what Netty's decoder accepts silently or rewrites before anyone can see it.
 *
 * <p>It <em>is</em> the codec's step ({@link RequestValidator#scanningCodec}): it holds the {@code
 * HttpServerCodec} and drives it with its own context, handing it each scanned slice and every
 * other event, inbound and outbound. One handler context per connection instead of two, one
 * pipeline pass less per read, and nothing to insert or look up while the pipeline is built.
 *
 * <ul>
 *   <li>obs-fold (a header line starting with SP or HTAB): Netty joins it to the previous value;
 *   <li>a bare CR or bare LF anywhere in a head: Netty treats CR as a separator in the request line;
 *   <li>control characters in the request line (HTAB, VT, FF also act as separators there);
 *   <li>more than one {@code Content-Length} line: for HTTP/1.0 Netty keeps the first one.
 * </ul>
 *
 * <p>To tell head bytes from body bytes it follows the message framing, which {@link
 * RequestValidator} hands it after each head ({@link #expectBody}). It gives the decoder a head
 * only up to the blank line that ends it, so the decoder can never decode a head it has not
 * scanned; a head decoded anyway fails {@link #isAwaitingHead()} and is rejected.
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
  private static final int SECTION_GOES_ON = -1;
  private static final int VIOLATION = -2;

  private enum Mode {
    /** Scanning a request head. */
    HEAD,
    /** The head was handed over; the validator is deciding on it. */
    HEAD_DECODING,
    FIXED_BODY,
    CHUNK_SIZE_LINE,
    CHUNK_DATA,
    CHUNK_DELIMITER,
    TRAILERS,
    /** Connection upgraded (101): bytes are no longer HTTP. */
    PASS_THROUGH,
    /** A request was rejected: nothing more reaches the decoder. */
    STOPPED
  }

  private final RequestValidator validator;
  private final @Nullable ClientTimeouts timeouts;
  /** The codec this step drives. */
  private final HttpServerCodec codec;

  private Mode mode = Mode.HEAD;
  /** Bytes left of a fixed body or chunk; while reading a chunk-size line, the size so far. */
  private long remaining;
  private boolean chunkSizeDigitsEnded;

  // State of the head (or trailer section) being scanned; bytes may arrive split anywhere.
  private boolean previousWasCr;
  private int lineLength;
  private boolean sawStartLine;
  // Bytes, not ints: the scanner is kept per connection (at most 15 and 2 here).
  private byte contentLengthMatched;
  private byte contentLengthLines;
  /** What broke the rules, an index into {@link #REASONS}: a byte, not a reference per connection. */
  private byte violation;

  RequestValidatorHeadScanner(RequestValidator validator, @Nullable ClientTimeouts timeouts,
      HttpServerCodec codec) {
    this.validator = validator;
    this.timeouts = timeouts;
    this.codec = codec;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    if (timeouts != null) {
      timeouts.attach(ctx);
    }
    codec.handlerAdded(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
    if (timeouts != null) {
      timeouts.detach();
    }
    // The decoder hands on what it buffered, as when the codec itself leaves a pipeline.
    codec.handlerRemoved(ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (timeouts != null) {
      timeouts.active();
    }
    codec.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (timeouts != null) {
      timeouts.detach();
    }
    codec.channelInactive(ctx);
  }

  // ---- the codec's other events, handed to it ----------------------------------------

  @Override
  public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
    codec.channelRegistered(ctx);
  }

  @Override
  public void channelUnregistered(ChannelHandlerContext ctx) throws Exception {
    codec.channelUnregistered(ctx);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    codec.channelReadComplete(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    codec.channelWritabilityChanged(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    codec.exceptionCaught(ctx, cause);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    codec.write(ctx, msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) throws Exception {
    codec.flush(ctx);
  }

  @Override
  public void read(ChannelHandlerContext ctx) throws Exception {
    codec.read(ctx);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
    codec.close(ctx, promise);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
    codec.disconnect(ctx, promise);
  }

  @Override
  public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
    codec.deregister(ctx, promise);
  }

  @Override
  public void bind(ChannelHandlerContext ctx, SocketAddress local, ChannelPromise promise)
      throws Exception {
    codec.bind(ctx, local, promise);
  }

  @Override
  public void connect(ChannelHandlerContext ctx, SocketAddress remote,
      @Nullable SocketAddress local, ChannelPromise promise) throws Exception {
    codec.connect(ctx, remote, local, promise);
  }


  /** True while the decoder is expected to produce a request head, and only then. */
  boolean isAwaitingHead() {
    return mode == Mode.HEAD_DECODING;
  }

  /**
   * The head just decoded was accepted; its body is {@code contentLength} bytes long, or chunked
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

  /** Stops handing bytes to the decoder, for good. */
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
      codec.channelRead(ctx, msg);
      return;
    }
    try {
      while (in.isReadable() && mode != Mode.STOPPED && mode != Mode.PASS_THROUGH) {
        int length = nextSlice(in);
        if (length == VIOLATION) {
          reject();
          return;
        }
        Mode before = mode;
        codec.channelRead(ctx, in.retainedSlice(in.readerIndex(), length));
        in.skipBytes(length);
        if (before == Mode.HEAD_DECODING && mode == Mode.HEAD_DECODING) {
          // The decoder did not turn the scanned head into a request: framing is lost, fail closed.
          violation = UNDECODED;
          reject();
          return;
        }
      }
      if (mode == Mode.PASS_THROUGH && in.isReadable()) {
        codec.channelRead(ctx, in.retain());
      }
    } finally {
      ReferenceCountUtil.release(in);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    // The decoder forgets the body of a request whose expectation failed; do the same.
    if (evt instanceof HttpExpectationFailedEvent
        && (mode == Mode.FIXED_BODY || mode == Mode.CHUNK_SIZE_LINE && lineLength == 0)) {
      startHead();
    }
    codec.userEventTriggered(ctx, evt);
  }

  private void reject() {
    boolean midBody = mode == Mode.TRAILERS;
    mode = Mode.STOPPED;
    validator.rejectRaw(REASONS[violation], midBody);
  }

  /** How many bytes from the reader index to hand to the decoder next, or {@link #VIOLATION}. */
  private int nextSlice(ByteBuf in) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    int readable = end - start;
    switch (mode) {
      case HEAD, TRAILERS -> {
        int sectionEnd = scanSection(in, start, end);
        if (sectionEnd == VIOLATION) {
          return VIOLATION;
        }
        if (sectionEnd == SECTION_GOES_ON) {
          return readable;
        }
        if (mode == Mode.HEAD) {
          mode = Mode.HEAD_DECODING;
        } else {
          startHead();
        }
        return sectionEnd - start;
      }
      case FIXED_BODY -> {
        int length = (int) Math.min(remaining, readable);
        remaining -= length;
        if (remaining == 0) {
          startHead();
        }
        return length;
      }
      case CHUNK_DATA -> {
        int length = (int) Math.min(remaining, readable);
        remaining -= length;
        if (remaining == 0) {
          mode = Mode.CHUNK_DELIMITER;
        }
        return length;
      }
      case CHUNK_SIZE_LINE -> {
        return scanChunkSizeLine(in, start, end);
      }
      case CHUNK_DELIMITER -> {
        int lf = in.indexOf(start, end, LF);
        if (lf < 0) {
          return readable;
        }
        startChunkSizeLine();
        return lf + 1 - start;
      }
      default -> {
        // HEAD_DECODING, STOPPED, PASS_THROUGH never reach here (see the loop condition); a head
        // still awaiting its verdict with more bytes behind it is a desync.
        violation = UNDECODED;
        return VIOLATION;
      }
    }
  }

  /**
   * Scans a head or trailer section. Returns the index just past the blank line that ends it,
   * {@link #SECTION_GOES_ON}, or {@link #VIOLATION} (with {@link #violation} set).
   */
  private int scanSection(ByteBuf in, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = in.getByte(i);
      if (previousWasCr) {
        previousWasCr = false;
        if (b != LF) {
          return violation(BARE_CR);
        }
        if (lineLength == 0) {
          if (sawStartLine) {
            return i + 1;
          }
          // Empty lines before the request line are allowed (RFC 9112, section 2.2).
        } else {
          sawStartLine = true;
        }
        lineLength = 0;
        contentLengthMatched = 0;
        continue;
      }
      if (b == CR) {
        previousWasCr = true;
        continue;
      }
      if (b == LF) {
        return violation(BARE_LF);
      }
      if (lineLength == 0 && (b == ' ' || b == '\t')) {
        return violation(sawStartLine ? OBS_FOLD : LEADING_WHITESPACE);
      }
      if (!sawStartLine) {
        if ((b & 0xff) < 0x20 || b == 0x7f) {
          return violation(CONTROL_CHARACTER);
        }
      } else if (contentLengthMatched >= 0 && mode == Mode.HEAD) {
        countContentLength(b);
        if (contentLengthLines > 1) {
          return violation(SECOND_CONTENT_LENGTH);
        }
      }
      lineLength++;
    }
    return SECTION_GOES_ON;
  }

  private void countContentLength(byte b) {
    byte lower = b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    if (lower != CONTENT_LENGTH[contentLengthMatched]) {
      contentLengthMatched = -1;
      return;
    }
    contentLengthMatched++;
    if (contentLengthMatched == CONTENT_LENGTH.length) {
      contentLengthLines++;
      contentLengthMatched = -1;
    }
  }

  /**
   * Reads the chunk size like Netty does (leading hex digits; the decoder rejects anything else),
   * so that chunk data can be handed over whole and never scanned as a head.
   */
  private int scanChunkSizeLine(ByteBuf in, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = in.getByte(i);
      if (b == LF) {
        if (remaining == 0) {
          startTrailers();
        } else {
          mode = Mode.CHUNK_DATA; // remaining is the chunk size just read
        }
        return i + 1 - start;
      }
      lineLength++;
      int digit = Character.digit(b, 16);
      if (chunkSizeDigitsEnded || digit < 0) {
        chunkSizeDigitsEnded = true;
      } else if (remaining <= Integer.MAX_VALUE) {
        // Past Integer.MAX_VALUE the decoder fails the chunk; stop growing, stay above it.
        remaining = remaining * 16 + digit;
      }
    }
    return end - start;
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
    chunkSizeDigitsEnded = false;
    lineLength = 0;
  }

  private void resetSection() {
    previousWasCr = false;
    lineLength = 0;
    contentLengthMatched = 0;
    contentLengthLines = 0;
  }
}
