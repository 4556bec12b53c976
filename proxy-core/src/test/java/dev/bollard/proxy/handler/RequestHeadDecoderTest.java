package dev.bollard.proxy.handler;

import static dev.bollard.proxy.testing.EmbeddedBytes.bytes;
import static dev.bollard.proxy.testing.EmbeddedBytes.outbound;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scanner's own decoding, against Netty's {@code HttpServerCodec} with the validator's config
 * ({@link RequestValidator#newServerCodec}) as the reference: what both make of the same bytes, in
 * one read or split at every byte.
 */
class RequestHeadDecoderTest {

  private static final HeadLimits LIMITS = new HeadLimits(64, 160, 100);

  /** Requests both decoders accept, each with a body framing of its own. */
  @ParameterizedTest
  @ValueSource(strings = {
      "GET /a?b=c HTTP/1.1\r\nHost: app\r\nUser-Agent: t/1\r\nAccept: */*\r\nX-E:\r\n\r\n",
      "\r\n\r\nGET / HTTP/1.0\r\nX-Tabs:\t a\tb \t\r\nX-Obs: caf\u00e9\r\n\r\n",
      "POST /f HTTP/1.1\r\nHost: app\r\nContent-Length: 11\r\n\r\nhello\r\n wor",
      "POST /c HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "7;ext=1;q=\"a \\\" b\"\r\nab\r\n cd\r\n3 ; e\r\nefg\r\n0\r\nX-Sum: 1\r\n"
          + "content-length: 9\r\n\r\n",
      "PUT /c HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n00\r\n\r\n",
      "POST /e HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "1 \t;a\r\nx\r\n1;a= b\r\ny\r\n1;a =b;c\r\nz\r\n0;d=\"q \\\\ \\\"\"\r\n\r\n",
      "HEAD / HTTP/1.1\r\nhost: app\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: app\r\n\r\n"
          + "PROPFIND /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
      "GET  /spaces   HTTP/1.1\r\nHost: app\r\n\r\n",
      "GET / HTTP/2.0\r\nHost: app\r\n\r\n",
      "POST /z HTTP/1.1\r\nHost: app\r\nContent-Length: 005\r\nX-After: 1\r\n\r\nhello",
  })
  void decodesWhatNettyDecodesInOneReadAndSplitAtEveryByte(String raw) {
    List<String> expected = decodeWithNetty(raw);

    assertThat(decodeWithScanner(raw, 0)).isEqualTo(expected);
    for (int split = 1; split < raw.length(); split++) {
      assertThat(decodeWithScanner(raw, split)).as("split at %d", split).isEqualTo(expected);
    }
  }

  /** Heads Netty's decoder refuses: the scanner refuses them too, with the same exception. */
  @ParameterizedTest
  @ValueSource(strings = {
      "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
      "GET / FOO/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.10\r\nHost: a\r\n\r\n",
      "GET /\r\nHost: a\r\n\r\n",
      "G@T / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
      "GET / HTTP/1.1\r\n: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost a\r\n\r\n",
      "GET / HTTP/1.1\r\nX:\u000ba\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\u001c\r\n\r\n",
      "GET / HTTP/1.1\r\nX\u00e9: a\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello",
      "GET / HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello",
      "GET / HTTP/1.1\r\nContent-Length: \r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
      "GET / HTTP/1.0\r\nContent-Length: 5, 5\r\n\r\nhello",
      "GET / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
      "GET / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
      "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
      "GET / HTTP/1.1\r\nTransfer-Encoding: chunked ; q=1\r\n\r\n",
      "GET / HTTP/1.1\r\nTransfer-Encoding: \r\n\r\n",
      "GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nX: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\nY: 1234567\r\n\r\n",
  })
  void refusesWhatNettyRefusesWithTheSameException(String raw) {
    List<String> expected = decodeWithNetty(raw);
    assertThat(expected.get(0)).as("Netty refuses it").startsWith("failed ");

    List<String> scanned = decodeWithScanner(raw, 0);
    assertThat(scanned).isNotEmpty();
    assertThat(scanned.get(0)).isEqualTo(expected.get(0));
    for (int split = 1; split < raw.length(); split++) {
      assertThat(decodeWithScanner(raw, split).get(0)).as("split at %d", split)
          .isEqualTo(expected.get(0));
    }
  }

  /** Bodies Netty's decoder refuses: the scanner fails the body too, with the same exception. */
  @ParameterizedTest
  @ValueSource(strings = {
      " 5\r\nhello\r\n0\r\n\r\n",
      "5 \r\nhello\r\n0\r\n\r\n",
      "-5\r\nhello\r\n0\r\n\r\n",
      "80000000\r\nhello\r\n0\r\n\r\n",
      "\r\n",
      "1;x\u0001\r\na\r\n0\r\n\r\n",
      "5;a=\"x\ny\"\r\nhello\r\n0\r\n\r\n",
      "5\r\nhelloXX0\r\n\r\n",
      "5\r\nhello\n0\r\n\r\n",
      "0\r\nX : y\r\n\r\n",
      "0\r\nA: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n\r\n",
      // Chunk-size lines longer than the request-line limit (64 here), as Netty bounds them.
      "1;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nx\r\n0\r\n\r\n",
      "000000000000000000000000000000000000000000000000000000000000000000000000000000001\r\nx\r\n0\r\n\r\n",
  })
  void failsTheBodiesNettyFails(String body) {
    String raw = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    List<String> expected = decodeWithNetty(raw);
    assertThat(expected.get(expected.size() - 1)).as("Netty fails it").startsWith("failed ");

    assertThat(decodeWithScanner(raw, 0)).isEqualTo(expected);
    for (int split = 1; split < raw.length(); split++) {
      assertThat(decodeWithScanner(raw, split)).as("split at %d", split).isEqualTo(expected);
    }
  }

  /**
   * Chunk extensions Netty 4.2 lets through although RFC 9112's grammar does not: refused here
   * (stricter, never looser).
   */
  @ParameterizedTest
  @ValueSource(strings = {"1;=x", "1;a b", "1;;a", "1;"})
  void refusesMalformedChunkExtensionsNettyLetsThrough(String line) {
    String raw = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + line
        + "\r\nx\r\n0\r\n\r\n";
    assertThat(decodeWithNetty(raw)).last().asString().isEqualTo("empty last|x");

    assertThat(decodeWithScanner(raw, 0)).last().asString()
        .isEqualTo("failed InvalidChunkExtensionException");
  }

  /**
   * Netty's decoder reads an 8-byte body after a GET with both Hixie-76 WebSocket keys and no
   * {@code Content-Length} (so does every backend built on it); RFC 9112, and the scanner, read
   * none. Forwarded, such a head would cut the next request on the upstream connection short by
   * 8 bytes: the validator refuses it.
   */
  @Test
  void aHixie76HandshakeNettyReadsABodyAfterIsRefused() {
    String raw = "GET /ws HTTP/1.1\r\nHost: app\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n"
        + "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U";
    assertThat(decodeWithNetty(raw)).as("Netty reads 8 bytes of body").last().asString()
        .isEqualTo("last |^n:ds[4U");
    List<Object> passed = new ArrayList<>();
    EmbeddedChannel channel = RequestValidatorTest.newChannel(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        passed.add(msg);
        ReferenceCountUtil.release(msg);
      }
    });

    channel.writeInbound(bytes(raw));

    assertThat(outbound(channel)).startsWith("HTTP/1.1 400 ");
    assertThat(passed).isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aHeadPastItsLimitIsRefusedBeforeItEnds() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = scannerChannel(recorder);

    channel.writeInbound(bytes("GET / HTTP/1.1\r\nX: " + "b".repeat(200)));

    assertThat(recorder.seen).singleElement().asString()
        .startsWith("failed TooLongHttpHeaderException");
  }

  @Test
  void responsesFollowTheMethodsOfPipelinedRequests() {
    EmbeddedChannel channel = RequestValidatorTest.newChannel(new Recorder());
    channel.writeInbound(bytes("HEAD /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
        + "HEAD /3 HTTP/1.1\r\nHost: a\r\n\r\n"));

    for (int i = 0; i < 3; i++) {
      DefaultHttpResponse response =
          new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      response.headers().set("Content-Length", "2");
      channel.writeOutbound(response,
          new io.netty.handler.codec.http.DefaultLastHttpContent(bytes("ok")));
    }
    String written = outbound(channel);

    assertThat(written).isEqualTo(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
  }

  @Test
  void methodsOfManyPipelinedRequestsStayInOrder() {
    ClientResponseEncoder encoder = new ClientResponseEncoder();
    EmbeddedChannel channel = new EmbeddedChannel(encoder);
    StringBuilder expected = new StringBuilder();
    // More than the 32 methods kept inline: the rest wait in the overflow queue.
    for (int i = 0; i < 100; i++) {
      boolean head = i % 3 == 0;
      encoder.requestDecoded(head ? HttpMethod.HEAD : HttpMethod.GET);
      expected.append("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n").append(head ? "" : "x");
    }
    for (int i = 0; i < 100; i++) {
      if (i == 50) {
        // An interim response takes no method from the queue.
        channel.writeOutbound(
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
      DefaultFullHttpResponse response = new DefaultFullHttpResponse(
          HttpVersion.HTTP_1_1, HttpResponseStatus.OK, bytes("x"));
      response.headers().set("content-length", "1");
      channel.writeOutbound(response);
    }

    String written = outbound(channel);
    assertThat(written).contains("HTTP/1.1 100 Continue\r\n\r\n");
    assertThat(written.replace("HTTP/1.1 100 Continue\r\n\r\n", ""))
        .isEqualTo(expected.toString());
  }

  @Test
  void aRequestBeyondNettysPipelineDepthIsRefusedAfterTheEarlierResponses() {
    List<String> passed = new ArrayList<>();
    EmbeddedChannel channel = RequestValidatorTest.newChannel(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
          passed.add(request.uri());
        }
        ReferenceCountUtil.release(msg);
      }
    });
    int depth = ClientResponseEncoder.MAX_PIPELINE_DEPTH;

    channel.writeInbound(bytes("GET /p HTTP/1.1\r\nHost: a\r\n\r\n".repeat(depth + 1)));

    assertThat(passed).hasSize(depth);
    for (int i = 0; i < depth; i++) {
      DefaultFullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
      channel.writeOutbound(response);
    }
    String written = outbound(channel);
    assertThat(written.split("HTTP/1.1 204 No Content", -1)).hasSize(depth + 1);
    assertThat(written.substring(written.lastIndexOf("HTTP/1.1 "))).startsWith("HTTP/1.1 400 ");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aTwoHundredToConnectLosesTransferEncoding() {
    ClientResponseEncoder encoder = new ClientResponseEncoder();
    EmbeddedChannel channel = new EmbeddedChannel(encoder);
    encoder.requestDecoded(HttpMethod.CONNECT);
    DefaultHttpResponse response =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().set("Transfer-Encoding", "chunked");

    channel.writeOutbound(response);

    assertThat(outbound(channel)).isEqualTo("HTTP/1.1 200 OK\r\n\r\n");
  }

  // ---- the two decoders side by side ----------------------------------------------------

  /** What Netty's server codec (the validator's config) makes of {@code raw}, in one read. */
  private static List<String> decodeWithNetty(String raw) {
    EmbeddedChannel channel = new EmbeddedChannel(RequestValidator.newServerCodec(LIMITS));
    channel.writeInbound(bytes(raw));
    List<String> seen = new ArrayList<>();
    for (Object m; (m = channel.readInbound()) != null; ) {
      describe(m, seen);
      ReferenceCountUtil.release(m);
    }
    channel.finishAndReleaseAll();
    return joinBodyPieces(seen);
  }

  /**
   * What the scanner makes of {@code raw}, split after {@code split} bytes (0: one read), with a
   * stand-in for the validator that accepts every head and announces its body as the validator
   * does.
   */
  private static List<String> decodeWithScanner(String raw, int split) {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = scannerChannel(recorder);
    ByteBuf all = bytes(raw);
    if (split > 0) {
      channel.writeInbound(all.readRetainedSlice(split));
    }
    channel.writeInbound(all);
    channel.finishAndReleaseAll();
    return joinBodyPieces(recorder.seen);
  }

  /** Body pieces joined to the piece after them: where a body is cut depends on the reads. */
  private static List<String> joinBodyPieces(List<String> seen) {
    List<String> joined = new ArrayList<>();
    StringBuilder carried = new StringBuilder();
    for (String piece : seen) {
      if (piece.startsWith("content|")) {
        carried.append(piece, "content|".length(), piece.length());
        continue;
      }
      if (piece.startsWith("last ") || piece.startsWith("empty last|")) {
        int text = piece.indexOf('|') + 1;
        joined.add(piece.substring(0, text) + carried + piece.substring(text));
      } else {
        if (carried.length() > 0) {
          joined.add("content|" + carried);
        }
        joined.add(piece);
      }
      carried.setLength(0);
    }
    if (carried.length() > 0) {
      joined.add("content|" + carried);
    }
    return joined;
  }

  private static EmbeddedChannel scannerChannel(Recorder recorder) {
    RequestValidator validator = new RequestValidator(LIMITS);
    RequestValidatorHeadScanner scanner =
        (RequestValidatorHeadScanner) validator.scanningCodec(null);
    recorder.scanner = scanner;
    return new EmbeddedChannel(scanner, recorder);
  }

  private static void describe(Object m, List<String> seen) {
    DecoderResult result = ((io.netty.handler.codec.DecoderResultProvider) m).decoderResult();
    if (result.isFailure()) {
      seen.add("failed " + result.cause().getClass().getSimpleName());
      return;
    }
    if (m instanceof HttpRequest request) {
      seen.add(request.method() + " " + request.uri() + " " + request.protocolVersion()
          + (request.protocolVersion() == HttpVersion.HTTP_1_1
              || request.protocolVersion() == HttpVersion.HTTP_1_0 ? "" : " (own)")
          + " " + entries(request.headers()));
    }
    if (m instanceof HttpContent content) {
      String kind = m == LastHttpContent.EMPTY_LAST_CONTENT
          ? "empty last"
          : m instanceof LastHttpContent last
              ? "last " + entries(last.trailingHeaders())
              : "content";
      seen.add(kind + "|" + content.content().toString(StandardCharsets.ISO_8859_1));
    }
  }

  private static String entries(HttpHeaders headers) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> e : headers) {
      text.append('[').append(e.getKey()).append('=').append(e.getValue()).append(']');
    }
    return text.toString();
  }

  /** Records the scanner's messages; accepts each head as the validator would frame it. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<String> seen = new ArrayList<>();
    final List<HttpObject> pieces = new ArrayList<>();
    RequestValidatorHeadScanner scanner;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      describe(msg, seen);
      if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()
          && scanner != null && scanner.isAwaitingHead()) {
        boolean chunked = request.headers().contains("Transfer-Encoding");
        String length = request.headers().get("Content-Length");
        scanner.expectBody(chunked, chunked || length == null ? 0 : Long.parseLong(length));
      }
      ReferenceCountUtil.release(msg);
    }
  }
}
