package dev.bollard.proxy.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class NoIndexHeadersTest {

  private static HttpResponse marked(HttpResponseStatus status, boolean guarded) {
    HttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    NoIndexHeaders.mark(response, guarded);
    return response;
  }

  @Test
  void marksFinalResponsesOfGuardedRequestsOnly() {
    assertThat(marked(HttpResponseStatus.OK, false).headers().contains("X-Robots-Tag")).isFalse();
    assertThat(marked(HttpResponseStatus.CONTINUE, true).headers().contains("X-Robots-Tag"))
        .isFalse();
    assertThat(marked(HttpResponseStatus.BAD_GATEWAY, true).headers().get("X-Robots-Tag"))
        .isEqualTo("noindex, nofollow");
    assertThat(marked(HttpResponseStatus.OK, true).headers().getAll("X-Robots-Tag"))
        .containsExactly("noindex, nofollow");
  }
}
