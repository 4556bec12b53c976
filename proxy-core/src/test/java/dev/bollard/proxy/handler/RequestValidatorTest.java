package dev.bollard.proxy.handler;

import static dev.bollard.proxy.testing.EmbeddedBytes.bytes;
import static dev.bollard.proxy.testing.EmbeddedBytes.outbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestValidatorTest {

  private static final int MAX_URI = 256;
  private static final int MAX_HEADERS = 1024;
  static final HeadLimits LIMITS = new HeadLimits(MAX_URI, MAX_HEADERS, 100);

  private final Capture capture = new Capture();
  private final EmbeddedChannel channel = newChannel(capture);

  /**
   * The validator with its scanner and the codec in one step, as in a client connection's
   * pipeline ({@link RequestValidator#scanningCodec}).
   */
  static EmbeddedChannel newChannel(ChannelInboundHandlerAdapter last) {
    RequestValidator validator = new RequestValidator(LIMITS);
    return new EmbeddedChannel(validator.scanningCodec(null), validator, last);
  }

  /** Takes the codec out of the pipeline, as a protocol switch does. */
  private static void removeCodec(EmbeddedChannel channel) {
    channel.pipeline().remove(RequestValidatorHeadScanner.class);
  }

  static Stream<Arguments> hostileRequests() {
    String post = "POST /upload HTTP/1.1\r\nHost: app\r\n";
    return Stream.of(
        // Framing: request smuggling
        arguments("Content-Length with Transfer-Encoding", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        arguments("Transfer-Encoding with Content-Length", post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400),
        arguments("differing Content-Length headers", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        arguments("Content-Length list 5, 6", post + "Content-Length: 5, 6\r\n\r\nhello!", 400),
        arguments("identical Content-Length headers", post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400),
        arguments("Content-Length list 5, 5", post + "Content-Length: 5, 5\r\n\r\nhello", 400),
        arguments("HTTP/1.0 differing Content-Length headers", "POST / HTTP/1.0\r\nContent-Length: 5\r\ncontent-LENGTH: 6\r\n\r\nhello!", 400),
        arguments("non-numeric Content-Length", post + "Content-Length: abc\r\n\r\n", 400),
        arguments("negative Content-Length", post + "Content-Length: -1\r\n\r\n", 400),
        arguments("signed Content-Length", post + "Content-Length: +5\r\n\r\nhello", 400),
        arguments("Content-Length overflow", post + "Content-Length: 99999999999999999999\r\n\r\n", 400),
        arguments("Transfer-Encoding gzip", post + "Transfer-Encoding: gzip\r\n\r\nxx", 400),
        arguments("Transfer-Encoding chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
        arguments("Transfer-Encoding xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400),
        arguments("Transfer-Encoding chunked twice", post + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
        arguments("Transfer-Encoding gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
        arguments("Transfer-Encoding in two lines", post + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
        arguments("Transfer-Encoding on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        arguments("Hixie-76 keys (Netty reads an 8-byte body)", "GET /ws HTTP/1.1\r\nHost: app\r\nSec-WebSocket-Key1: 1 2\r\nSec-WebSocket-Key2: 3 4\r\n\r\n12345678", 400),
        // Line endings and header syntax
        arguments("bare LF line endings", "GET / HTTP/1.1\nHost: app\n\n", 400),
        arguments("bare LF after one header", "GET / HTTP/1.1\r\nHost: app\nX-A: b\r\n\r\n", 400),
        arguments("bare CR inside a header line", "GET / HTTP/1.1\r\nHost: app\rX-Evil: 1\r\n\r\n", 400),
        arguments("bare CR as request-line separator", "GET\r/ HTTP/1.1\r\nHost: app\r\n\r\n", 400),
        arguments("tab as request-line separator", "GET\t/ HTTP/1.1\r\nHost: app\r\n\r\n", 400),
        arguments("whitespace before the request line", " GET / HTTP/1.1\r\nHost: app\r\n\r\n", 400),
        arguments("space between header name and colon", "GET / HTTP/1.1\r\nHost : app\r\n\r\n", 400),
        arguments("tab between header name and colon", "GET / HTTP/1.1\r\nHost\t: app\r\n\r\n", 400),
        arguments("obs-fold continuation line", "GET / HTTP/1.1\r\nHost: app\r\nX-A: one\r\n two\r\n\r\n", 400),
        arguments("obs-fold with tab", "GET / HTTP/1.1\r\nHost: app\r\nX-A: one\r\n\ttwo\r\n\r\n", 400),
        arguments("obs-fold hiding Transfer-Encoding", post + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400),
        arguments("whitespace before the first header", "GET / HTTP/1.1\r\n Host: app\r\n\r\n", 400),
        arguments("NUL in a header value", "GET / HTTP/1.1\r\nHost: app\r\nX-A: a\u0000b\r\n\r\n", 400),
        arguments("control character in a header value", "GET / HTTP/1.1\r\nHost: app\r\nX-A: a\u0001b\r\n\r\n", 400),
        arguments("DEL in a header value", "GET / HTTP/1.1\r\nHost: app\r\nX-A: a\u007fb\r\n\r\n", 400),
        arguments("invalid header name", "GET / HTTP/1.1\r\nHost: app\r\nX(A): b\r\n\r\n", 400),
        arguments("header line without colon", "GET / HTTP/1.1\r\nHost: app\r\nNoColon\r\n\r\n", 400),
        // Request line
        arguments("request line too long", "GET /" + "a".repeat(MAX_URI) + " HTTP/1.1\r\nHost: app\r\n\r\n", 414),
        arguments("headers too large", "GET / HTTP/1.1\r\nHost: app\r\nX-Big: " + "b".repeat(MAX_HEADERS) + "\r\n\r\n", 431),
        arguments("many headers too large", "GET / HTTP/1.1\r\nHost: app\r\n" + "X-A: 0123456789\r\n".repeat(MAX_HEADERS / 10) + "\r\n", 431),
        arguments("missing HTTP version", "GET /\r\nHost: app\r\n\r\n", 400),
        arguments("garbage HTTP version", "GET / HTTX/1.1\r\nHost: app\r\n\r\n", 400),
        arguments("extra word in request line", "GET / HTTP/1.1 extra\r\nHost: app\r\n\r\n", 400),
        arguments("unsupported HTTP/2.0", "GET / HTTP/2.0\r\nHost: app\r\n\r\n", 505),
        arguments("unsupported HTTP/1.2", "GET / HTTP/1.2\r\nHost: app\r\n\r\n", 505),
        arguments("invalid method token", "G{T / HTTP/1.1\r\nHost: app\r\n\r\n", 400),
        arguments("non-ASCII byte in target", "GET /caf\u00e9 HTTP/1.1\r\nHost: app\r\n\r\n", 400),
        arguments("relative target", "GET foo HTTP/1.1\r\nHost: app\r\n\r\n", 400),
        arguments("authority-form CONNECT", "CONNECT app:443 HTTP/1.1\r\nHost: app:443\r\n\r\n", 400),
        // Host
        arguments("missing Host on HTTP/1.1", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        arguments("two Host headers", "GET / HTTP/1.1\r\nHost: app\r\nHost: other\r\n\r\n", 400),
        arguments("Host with a path", "GET / HTTP/1.1\r\nHost: app/evil\r\n\r\n", 400),
        arguments("Host with a space", "GET / HTTP/1.1\r\nHost: app evil\r\n\r\n", 400));
  }

  /** Chunked bodies broken before any valid body byte: (head, bad body bytes). */
  static Stream<Arguments> hostileBodies() {
    String head = "POST /upload HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n";
    return Stream.of(
        arguments("non-hex chunk size", head, "zz\r\nhello\r\n0\r\n\r\n"),
        arguments("negative chunk size", head, "-5\r\nhello\r\n0\r\n\r\n"),
        arguments("chunk size overflow", head, "fffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
        arguments("empty chunk size", head, "\r\nhello\r\n0\r\n\r\n"),
        arguments("chunk size line with bare LF", head, "5\nhello\r\n0\r\n\r\n"),
        arguments("chunk size line too long", head, "1;" + "a".repeat(MAX_URI) + "\r\nx\r\n0\r\n\r\n"),
        arguments("obs-fold in trailers", head, "0\r\nX-T: a\r\n b\r\n\r\n"),
        arguments("bare CR in trailers", head, "0\r\nX-T: a\rb\r\n\r\n"),
        arguments("control character in trailers", head, "0\r\nX-T: a\u0001b\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileBodies")
  void malformedBodyInTheSameReadAsItsHeadGets400AndNothingPasses(
      String name, String head, String body) {
    channel.writeInbound(bytes(head + body));

    assertThat(responseStatus()).as(name).isEqualTo(400);
    assertThat(channel.isOpen()).as("connection closed").isFalse();
    assertThat(capture.received).as("passed on").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileBodies")
  void malformedBodyAfterItsHeadWasPassedAbortsTheExchange(
      String name, String head, String body) {
    channel.writeInbound(bytes(head));
    assertThat(capture.received).containsExactly("POST /upload");

    channel.writeInbound(bytes(body));

    assertThat(capture.received).as("nothing after the head, above all no last content").containsExactly("POST /upload");
    assertThat(capture.events).singleElement().isInstanceOf(RequestValidator.BodyRejected.class);
    // Answering (400) or aborting, and closing, is the proxy handler's (SlowPeerTimeoutsTest).
    assertThat(channel.<Object>readOutbound()).as("no answer from the validator").isNull();
    channel.writeInbound(bytes("0\r\n\r\n"));
    assertThat(capture.received).as("nothing more passes").containsExactly("POST /upload");
  }

  @Test
  void anHttp2HeadWithBothHixie76KeysIsRefusedUnlessALengthFramesIt() {
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
    head.headers().set("host", "app").set("sec-websocket-key1", "1 2")
        .set("sec-websocket-key2", "3 4");

    RequestValidator.Rejection refused = RequestValidator.checkConverted(head, LIMITS);

    assertThat(refused).isNotNull();
    assertThat(refused.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
    head.headers().set("content-length", "8");
    assertThat(RequestValidator.checkConverted(head, LIMITS)).isNull();
  }

  @Test
  void badChunkDelimiterAfterValidDataAbortsTheExchange() {
    channel.writeInbound(
        bytes("POST /up HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"));

    assertThat(capture.received).containsExactly("POST /up", "content 5");
    assertThat(capture.events).singleElement().isInstanceOf(RequestValidator.BodyRejected.class);
    channel.writeInbound(bytes("0\r\n\r\n"));
    assertThat(capture.received).as("nothing more passes").containsExactly("POST /up", "content 5");
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("hostileRequests")
  void hostileRequestIsAnsweredAndClosedAndNothingPasses(String name, String raw, int status) {
    channel.writeInbound(bytes(raw));

    assertThat(responseStatus()).as(name).isEqualTo(status);
    assertThat(channel.isOpen()).as("connection closed").isFalse();
    assertThat(capture.received).as("passed on").isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("hostileRequests")
  void hostileRequestIsCaughtWhenBytesTrickleIn(String name, String raw, int status) {
    ByteBuf all = bytes(raw);
    while (all.isReadable() && channel.isOpen()) {
      channel.writeInbound(all.readRetainedSlice(1));
    }
    all.release();

    assertThat(responseStatus()).as(name).isEqualTo(status);
    assertThat(capture.received).as("passed on").isEmpty();
  }

  @Test
  void hostileRequestAfterValidOneGetsAnswerOnlyAfterTheFirstResponse() {
    channel.writeInbound(
        bytes("GET /ok HTTP/1.1\r\nHost: app\r\n\r\nGET /bad HTTP/1.1\r\nHost: a\r\n b\r\n\r\n"));

    assertThat(capture.received).containsExactly("GET /ok", "last 0");
    assertThat(channel.<Object>readOutbound()).as("nothing before the first response").isNull();
    assertThat(channel.isOpen()).isTrue();

    channel.writeOutbound(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));

    String written = outbound(channel);
    assertThat(written).startsWith("HTTP/1.1 204 No Content\r\n").contains("HTTP/1.1 400 Bad Request\r\n");
    assertThat(written.indexOf("204")).isLessThan(written.indexOf("400"));
    assertThat(channel.isOpen()).isFalse();
    assertThat(capture.received).containsExactly("GET /ok", "last 0");
  }

  @Test
  void malformedChunkAfterHeadWasPassedFiresBodyRejectedAndPassesNothingMore() {
    channel.writeInbound(
        bytes("POST /up HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
    assertThat(capture.received).containsExactly("POST /up", "content 5");

    channel.writeInbound(bytes("zz\r\nmore\r\n0\r\n\r\n"));

    assertThat(capture.received).containsExactly("POST /up", "content 5");
    assertThat(capture.events).singleElement().isInstanceOf(RequestValidator.BodyRejected.class);
    assertThat(channel.<Object>readOutbound()).as("no answer from the validator").isNull();
    channel.writeInbound(bytes("5\r\nhello\r\n0\r\n\r\n"));
    assertThat(capture.received).as("nothing more passes").containsExactly("POST /up", "content 5");
  }

  @Test
  void headOfChunkedRequestWaitsOnlyForTheEndOfTheRead() {
    channel.writeInbound(
        bytes("POST /up HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n"));

    assertThat(capture.received).containsExactly("POST /up");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void getPassesUnchanged() {
    channel.writeInbound(bytes("GET /a?b=c HTTP/1.1\r\nHost: app\r\nX-Folded-Not: a b\r\n\r\n"));

    assertThat(capture.received).containsExactly("GET /a?b=c", "last 0");
    assertThat(capture.heads.get(0).headers().get("X-Folded-Not")).isEqualTo("a b");
    assertPassedCleanly();
  }

  @Test
  void postWithContentLengthPassesUnchanged() {
    channel.writeInbound(bytes("POST /f HTTP/1.1\r\nHost: app\r\nContent-Length: 11\r\n\r\nhello\r\n wor"));

    assertThat(capture.received).containsExactly("POST /f", "last 11");
    assertThat(capture.body.toString()).isEqualTo("hello\r\n wor");
    assertPassedCleanly();
  }

  @Test
  void chunkedPostWithTrailersPassesUnchanged() {
    channel.writeInbound(
        bytes(
            "POST /c HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "7;ext=1\r\nab\r\n cd\r\n3\r\nefg\r\n0\r\nX-Sum: 1\r\n\r\n"));

    assertThat(capture.received).containsExactly("POST /c", "content 7", "content 3", "last 0");
    assertThat(capture.body.toString()).isEqualTo("ab\r\n cdefg");
    assertPassedCleanly();
  }

  @Test
  void pipelinedKeepAliveRequestsAllPass() {
    String raw =
        "\r\nGET /1 HTTP/1.1\r\nHost: app\r\n\r\n"
            + "POST /2 HTTP/1.1\r\nHost: app\r\nContent-Length: 4\r\n\r\n\r\n x"
            + "POST /3 HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n\r\n\r\n0\r\n\r\n"
            + "GET http://app/4 HTTP/1.1\r\nHost: app\r\n\r\n"
            + "GET /5 HTTP/1.0\r\n\r\n";

    channel.writeInbound(bytes(raw));

    assertThat(capture.received)
        .containsExactly(
            "GET /1", "last 0",
            "POST /2", "last 4",
            "POST /3", "content 2", "last 0",
            "GET http://app/4", "last 0",
            "GET /5", "last 0");
    assertPassedCleanly();
  }

  @Test
  void pipelinedRequestsPassWhenBytesTrickleIn() {
    ByteBuf all =
        bytes(
            "POST /2 HTTP/1.1\r\nHost: app\r\nContent-Length: 4\r\n\r\n\r\n x"
                + "POST /3 HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n\r\n\r\n0\r\nA: b\r\n\r\n"
                + "GET /4 HTTP/1.1\r\nHost: app\r\n\r\n");
    while (all.isReadable()) {
      channel.writeInbound(all.readRetainedSlice(1));
    }
    all.release();

    assertThat(capture.received)
        .filteredOn(s -> !s.startsWith("content"))
        .containsExactly("POST /2", "last 1", "POST /3", "last 0", "GET /4", "last 0");
    assertThat(capture.body.toString()).isEqualTo("\r\n x\r\n");
    assertPassedCleanly();
  }

  @Test
  void afterSwitchingProtocolsBytesPassUntouched() {
    channel.writeInbound(
        bytes("GET /ws HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));
    channel.writeOutbound(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
    channel.pipeline().remove(RequestValidator.class);
    removeCodec(channel);

    channel.writeInbound(bytes("\r\n \u0001 raw frame"));

    assertThat(capture.received).containsExactly("GET /ws", "last 0", "bytes 14");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void removingTheValidatorTakesOnlyItsOwnSteps() {
    int before = channel.pipeline().names().size();
    channel.pipeline().remove(RequestValidator.class);

    assertThat(channel.pipeline().names()).hasSize(before - 1);
    assertThat(channel.pipeline().get(RequestValidatorHeadScanner.class))
        .as("scanner still in the pipeline").isNotNull();
  }

  @Test
  void removingTheCodecHandsOnTheBytesItHeld() {
    channel.writeInbound(bytes("GET /a HTTP/1.1\r\nHost: app\r\n\r\nGET /b HT"));
    channel.pipeline().remove(RequestValidator.class);
    removeCodec(channel);

    assertThat(capture.received).containsExactly("GET /a", "last 0", "bytes 9");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aResponseToHeadIsEncodedWithoutABody() {
    channel.writeInbound(bytes("HEAD /h HTTP/1.1\r\nHost: app\r\n\r\n"));
    DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set("Transfer-Encoding", "chunked");
    channel.writeOutbound(head, LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(outbound(channel)).isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    assertThat(channel.isOpen()).isTrue();
  }

  private void assertPassedCleanly() {
    assertThat(channel.<Object>readOutbound()).as("no response from the validator").isNull();
    assertThat(channel.isOpen()).isTrue();
    assertThat(capture.events).isEmpty();
  }

  private int responseStatus() {
    String written = outbound(channel);
    assertThat(written).as("a response was written").startsWith("HTTP/1.1 ");
    assertThat(written).containsIgnoringCase("connection: close").contains("text/plain");
    return Integer.parseInt(written.substring(9, 12));
  }


  /** Records what got past the validator. */
  private static final class Capture extends ChannelInboundHandlerAdapter {
    final List<String> received = new ArrayList<>();
    final List<HttpRequest> heads = new ArrayList<>();
    final StringBuilder body = new StringBuilder();
    final List<Object> events = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request) {
        received.add(request.method() + " " + request.uri());
        heads.add(request);
      }
      if (msg instanceof HttpContent content) {
        String text = content.content().toString(StandardCharsets.ISO_8859_1);
        body.append(text);
        received.add((msg instanceof LastHttpContent ? "last " : "content ") + text.length());
      }
      if (msg instanceof ByteBuf buf) {
        received.add("bytes " + buf.readableBytes());
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }
  }
}
