package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.Objects;

/**
 * ingress-nginx's {@code x-forwarded-prefix} annotation: the upstream request carries {@code
 * X-Forwarded-Prefix} with the configured value (replacing one the client sent), so an app served
 * under a path prefix can build its own URLs.
 *
 * @param prefix the header's value, checked by the translator
 */
public record ForwardedPrefix(String prefix) implements RouteStep, RouteFeature {

  private static final AsciiString HEADER = AsciiString.cached("x-forwarded-prefix");

  public ForwardedPrefix {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("prefix: \"\" (expected: a non-empty value)");
    }
  }

  @Override
  public Phase phase() {
    return Phase.REWRITE;
  }

  @Override
  public String name() {
    return "x-forwarded-prefix";
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    upstream.headers().set(HEADER, prefix);
  }
}
