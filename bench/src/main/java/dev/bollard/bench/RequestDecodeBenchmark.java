package dev.bollard.bench;

import dev.bollard.proxy.handler.HeadLimits;
import dev.bollard.proxy.handler.RequestValidator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one typical browser request head (11 header fields, 432 bytes, one read) on a client
 * connection's codec step:
 *
 * <ul>
 *   <li>{@link #nettyDecoder}: Netty's {@code HttpRequestDecoder} with the validator's config
 *       ({@link RequestValidator#decoderConfig}: strict lines, RFC 9112 framing, validated
 *       headers), decoding only;
 *   <li>{@link #nettyCodec}: Netty's {@code HttpServerCodec} with that config ({@link
 *       RequestValidator#newServerCodec}), the step Bollard used until issue 19's eighth session:
 *       decoding, then encoding a 204 response (its method queue needs the answer);
 *   <li>{@link #bollard}: the validator's own codec step ({@link RequestValidator#scanningCodec}),
 *       which scans and decodes the head in place, and the validator behind it (the scanner needs
 *       its verdict to frame the body), then the same 204 through Netty's encoder: on top of
 *       {@link #nettyCodec}, the validator's method, target, {@code Host} and framing checks.
 * </ul>
 *
 * <p>Each runs in an {@link EmbeddedChannel} whose last step releases what it receives (the
 * request and its {@code LastHttpContent}); the read buffer is a direct buffer, as from a socket.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestDecodeBenchmark {

  static final String HEAD = "GET /assets/app.js?v=3 HTTP/1.1\r\n"
      + "Host: shop.example.com\r\n"
      + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n"
      + "Accept: */*\r\n"
      + "Accept-Language: en-US,en;q=0.5\r\n"
      + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
      + "Referer: https://shop.example.com/catalog/shoes\r\n"
      + "Connection: keep-alive\r\n"
      + "Cookie: session=3f1c2a9be07d4c1e8a55; theme=dark\r\n"
      + "Sec-Fetch-Dest: script\r\n"
      + "Sec-Fetch-Mode: no-cors\r\n"
      + "Sec-Fetch-Site: same-origin\r\n"
      + "\r\n";

  private static final HeadLimits LIMITS = new HeadLimits(8192, 32768, 100);

  private ByteBuf head;
  private FullHttpResponse response;
  private EmbeddedChannel decoder;
  private EmbeddedChannel netty;
  private EmbeddedChannel bollard;

  @Setup
  public void setUp() {
    byte[] bytes = HEAD.getBytes(StandardCharsets.US_ASCII);
    head = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    response = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
    decoder = new EmbeddedChannel(
        new HttpRequestDecoder(RequestValidator.decoderConfig(LIMITS)), new Sink());
    netty = new EmbeddedChannel(RequestValidator.newServerCodec(LIMITS), new Sink());
    RequestValidator validator = new RequestValidator(LIMITS);
    bollard = new EmbeddedChannel(validator.scanningCodec(null), validator, new Sink());
  }

  @TearDown
  public void tearDown() {
    decoder.finishAndReleaseAll();
    netty.finishAndReleaseAll();
    bollard.finishAndReleaseAll();
    head.release();
  }

  @Benchmark
  public boolean nettyDecoder() {
    return decoder.writeInbound(head.retainedDuplicate());
  }

  @Benchmark
  public boolean nettyCodec() {
    return exchange(netty);
  }

  @Benchmark
  public boolean bollard() {
    return exchange(bollard);
  }

  private boolean exchange(EmbeddedChannel channel) {
    channel.writeInbound(head.retainedDuplicate());
    channel.writeOutbound(response.retainedDuplicate());
    return channel.releaseOutbound();
  }

  /** Releases every message, as the proxy handler would once done with it. */
  @ChannelHandler.Sharable
  static final class Sink extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
