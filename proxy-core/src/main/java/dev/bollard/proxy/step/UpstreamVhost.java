package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Objects;

/**
 * ingress-nginx's {@code upstream-vhost} annotation: the request sent upstream carries {@code
 * Host: <value>} instead of the client's host. {@code X-Forwarded-Host} still names the host the
 * client asked for, and routing, guards and redirects all used that one.
 *
 * @param host the upstream {@code Host} value ({@code name} or {@code name:port}), checked by the
 *     translator
 */
public record UpstreamVhost(String host) implements RouteStep, RouteFeature {

  public UpstreamVhost {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host: \"\" (expected: a host name)");
    }
  }

  @Override
  public Phase phase() {
    return Phase.REWRITE;
  }

  @Override
  public String name() {
    return "upstream-vhost";
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    upstream.headers().set(HttpHeaderNames.HOST, host);
  }
}
