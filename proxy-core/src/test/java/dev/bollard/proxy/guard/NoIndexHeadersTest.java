package dev.bollard.proxy.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class NoIndexHeadersTest {

  private static HttpResponse written(EmbeddedChannel channel, HttpResponseStatus status) {
    channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
    return channel.readOutbound();
  }

  @Test
  void marksResponsesOnlyWhileTheRequestIsGuarded() {
    NoIndexHeaders step = new NoIndexHeaders();
    EmbeddedChannel channel = new EmbeddedChannel(step);

    assertThat(written(channel, HttpResponseStatus.OK).headers().contains("X-Robots-Tag")).isFalse();

    step.guarded(true);
    assertThat(written(channel, HttpResponseStatus.CONTINUE).headers().contains("X-Robots-Tag"))
        .isFalse();
    assertThat(written(channel, HttpResponseStatus.BAD_GATEWAY).headers().get("X-Robots-Tag"))
        .isEqualTo("noindex, nofollow");

    step.guarded(false);
    assertThat(written(channel, HttpResponseStatus.OK).headers().contains("X-Robots-Tag")).isFalse();
    channel.finishAndReleaseAll();
  }
}
