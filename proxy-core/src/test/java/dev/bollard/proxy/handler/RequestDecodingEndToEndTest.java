package dev.bollard.proxy.handler;

import static dev.bollard.proxy.testing.Snapshots.backend;
import static dev.bollard.proxy.testing.Snapshots.host;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests decoded by the client codec step ({@link RequestValidatorHeadScanner}), sent over a
 * socket to a real proxy and a real (echoing) backend: heads in one write or cut into small
 * writes, larger than the step's scratch window, with chunked bodies and trailers, pipelined.
 */
class RequestDecodingEndToEndTest {

  private static TestBackend backend;
  private static ProxyFixture proxy;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackend.start("app", TestBackend.echo());
    proxy = ProxyFixture.start();
    proxy.publish(Snapshots.of(host("app.test", backend("test/app:80", backend))));
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  /** 0: one write; else writes of that many bytes, each flushed. */
  @ParameterizedTest(name = "writes of {0} bytes")
  @ValueSource(ints = {0, 1, 7, 1000})
  void aLargeChunkedRequestArrivesWhole(int writeSize) throws Exception {
    String big = "b".repeat(6000); // past the 4 KiB the step scans in its scratch array
    String raw = "POST /up?x=1 HTTP/1.1\r\nHost: app.test\r\nX-Big: " + big + "\r\n"
        + "X-Tabs:\t one\ttwo \t\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;ext=\"a b\"\r\nhello\r\n6 ; n=v\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";

    try (RawHttpConnection client = proxy.connect()) {
      write(client, raw, writeSize);
      RawResponse response = client.read();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("x-echo-method")).isEqualTo("POST");
      assertThat(response.header("x-echo-uri")).isEqualTo("/up?x=1");
      assertThat(response.text()).containsIgnoringCase("x-big: " + big + "\n")
          .containsIgnoringCase("x-tabs: one\ttwo\n")
          .endsWith("\nhello world");
    }
  }

  @Test
  void pipelinedRequestsGetTheirResponsesInOrderAndHeadGetsNoBody() throws Exception {
    String raw = "HEAD /h HTTP/1.1\r\nHost: app.test\r\n\r\n"
        + "POST /p HTTP/1.1\r\nHost: app.test\r\nContent-Length: 3\r\n\r\nabc"
        + "\r\nGET /g HTTP/1.1\r\nHost: app.test\r\n\r\n";

    try (RawHttpConnection client = proxy.connect()) {
      client.send(raw);
      RawResponse head = client.readHead();
      RawResponse post = client.read();
      RawResponse get = client.read();

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("x-echo-method")).isEqualTo("HEAD");
      assertThat(post.header("x-echo-uri")).isEqualTo("/p");
      assertThat(post.text()).endsWith("\nabc");
      assertThat(get.header("x-echo-uri")).as("the HEAD response left no body behind")
          .isEqualTo("/g");
    }
  }

  /**
   * A GET with both Hixie-76 WebSocket keys and no {@code Content-Length} is refused: a backend
   * that decodes with Netty (as this one does) reads 8 bytes of body after it, the first 8 bytes
   * of the next request sent on that upstream connection, whoever sent it.
   */
  @Test
  void aHixie76HandshakeNeverReachesABackendThatReadsABodyAfterIt() throws Exception {
    List<String> decoded = new CopyOnWriteArrayList<>();
    try (TestBackend netty = TestBackend.start("netty", recording(decoded))) {
      proxy.publish(Snapshots.of(host("app.test", backend("test/app:80", backend)),
          host("hixie.test", backend("test/hixie:80", netty))));
      try (RawHttpConnection client = proxy.connect()) {
        RawResponse first = client.send("GET /ws HTTP/1.1\r\nHost: hixie.test\r\n"
            + "Sec-WebSocket-Key1: 1 2\r\nSec-WebSocket-Key2: 3 4\r\n\r\n").read();
        if (first.status() != 400) {
          // Relayed: the next request on the pooled upstream connection shows what it did.
          client.send("GET /next HTTP/1.1\r\nHost: hixie.test\r\n\r\n").read();
        }

        assertThat(decoded).as("what the backend decoded").isEmpty();
        assertThat(first.status()).isEqualTo(400);
      }
    } finally {
      proxy.publish(Snapshots.of(host("app.test", backend("test/app:80", backend))));
    }
  }

  /** Answers each head at once (no body awaited) and records what its Netty decoder made. */
  private static TestBackend.Behaviour recording(List<String> decoded) {
    return (pipeline, name, requests) -> pipeline.addLast("record",
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
              decoded.add(request.decoderResult().isSuccess()
                  ? request.method() + " " + request.uri() : "failed head");
              DefaultFullHttpResponse ok =
                  new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
              ok.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
              ctx.writeAndFlush(ok);
            } else if (msg instanceof HttpContent content && content.content().isReadable()) {
              decoded.add("body " + content.content().toString(StandardCharsets.ISO_8859_1));
            }
            ReferenceCountUtil.release(msg);
          }
        });
  }

  private static void write(RawHttpConnection client, String raw, int writeSize)
      throws Exception {
    byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
    if (writeSize == 0) {
      client.send(bytes);
      return;
    }
    OutputStream out = client.output();
    for (int i = 0; i < bytes.length; i += writeSize) {
      out.write(bytes, i, Math.min(writeSize, bytes.length - i));
      out.flush();
    }
  }
}
