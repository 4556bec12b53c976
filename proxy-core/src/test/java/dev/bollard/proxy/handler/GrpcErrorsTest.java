package dev.bollard.proxy.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The proxy's answers to gRPC calls in gRPC's terms, and the {@code grpc-timeout} syntax. */
class GrpcErrorsTest {

  @Test
  void aGrpcCallIsOneWhoseContentTypeIsApplicationGrpcAnyVariantAnyCase() {
    assertThat(GrpcErrors.isGrpc(request("application/grpc"))).isTrue();
    assertThat(GrpcErrors.isGrpc(request("application/grpc+proto"))).isTrue();
    assertThat(GrpcErrors.isGrpc(request("Application/GRPC-web"))).isTrue();
    assertThat(GrpcErrors.isGrpc(request("application/json"))).isFalse();
    assertThat(GrpcErrors.isGrpc(request(null))).isFalse();
  }

  @Test
  void anErrorBecomesATrailersOnlyResponseWithTheMappedStatus() {
    FullHttpResponse answer = PlainResponses.of(HttpResponseStatus.BAD_GATEWAY,
        "backend shop/app:80 closed the connection", true);
    GrpcErrors.toTrailersOnly(answer);
    assertThat(answer.status().code()).isEqualTo(200);
    assertThat(answer.content().readableBytes()).isZero();
    assertThat(answer.headers().get("content-type")).isEqualTo("application/grpc");
    assertThat(answer.headers().get("content-length")).isEqualTo("0");
    assertThat(answer.headers().get("grpc-status")).isEqualTo("14");
    assertThat(answer.headers().get("grpc-message"))
        .isEqualTo("502 Bad Gateway: backend shop/app:80 closed the connection");
    answer.release();
  }

  @Test
  void successfulAnswersStayAsTheyAre() {
    FullHttpResponse answer = PlainResponses.text(HttpResponseStatus.OK, "fine", true);
    GrpcErrors.toTrailersOnly(answer);
    assertThat(answer.status().code()).isEqualTo(200);
    assertThat(answer.headers().contains("grpc-status")).isFalse();
    answer.release();
  }

  @Test
  void httpStatusesMapAsGrpcsMappingSaysExceptTimeoutsAndSizes() {
    assertThat(GrpcErrors.statusFor(400)).isEqualTo(13);
    assertThat(GrpcErrors.statusFor(401)).isEqualTo(16);
    assertThat(GrpcErrors.statusFor(403)).isEqualTo(7);
    assertThat(GrpcErrors.statusFor(404)).isEqualTo(12);
    assertThat(GrpcErrors.statusFor(413)).isEqualTo(8);
    assertThat(GrpcErrors.statusFor(429)).isEqualTo(14);
    assertThat(GrpcErrors.statusFor(502)).isEqualTo(14);
    assertThat(GrpcErrors.statusFor(503)).isEqualTo(14);
    assertThat(GrpcErrors.statusFor(504)).isEqualTo(4);
    assertThat(GrpcErrors.statusFor(500)).isEqualTo(13);
    assertThat(GrpcErrors.statusFor(308)).isEqualTo(2);
  }

  @Test
  void messagesArePercentEncodedOutsidePrintableAscii() {
    assertThat(GrpcErrors.encodeMessage("100% sûr\n")).isEqualTo("100%25 s%C3%BBr%0A");
    LastHttpContent trailers = GrpcErrors.trailers(4, "late");
    assertThat(trailers.trailingHeaders().get("grpc-status")).isEqualTo("4");
    assertThat(trailers.trailingHeaders().get("grpc-message")).isEqualTo("late");
  }

  @Test
  void grpcTimeoutIsUpToEightDigitsAndAUnit() {
    assertThat(GrpcTimeout.parse("300m")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    assertThat(GrpcTimeout.parse("2S")).isEqualTo(TimeUnit.SECONDS.toNanos(2));
    assertThat(GrpcTimeout.parse("1H")).isEqualTo(TimeUnit.HOURS.toNanos(1));
    assertThat(GrpcTimeout.parse("5M")).isEqualTo(TimeUnit.MINUTES.toNanos(5));
    assertThat(GrpcTimeout.parse("99999999u")).isEqualTo(TimeUnit.MICROSECONDS.toNanos(99999999));
    assertThat(GrpcTimeout.parse("10n")).isEqualTo(10);
    assertThat(GrpcTimeout.parse("123456789m")).isEqualTo(GrpcTimeout.NONE);
    assertThat(GrpcTimeout.parse("10")).isEqualTo(GrpcTimeout.NONE);
    assertThat(GrpcTimeout.parse("m")).isEqualTo(GrpcTimeout.NONE);
    assertThat(GrpcTimeout.parse("-1S")).isEqualTo(GrpcTimeout.NONE);
    assertThat(GrpcTimeout.parse("1s")).isEqualTo(GrpcTimeout.NONE);
  }

  private static HttpRequest request(String contentType) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/s/m");
    if (contentType != null) {
      request.headers().set("content-type", contentType);
    }
    return request;
  }
}
