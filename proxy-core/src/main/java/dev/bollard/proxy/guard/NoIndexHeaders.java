package dev.bollard.proxy.guard;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;

/**
 * A client pipeline step that adds {@code X-Robots-Tag: noindex, nofollow} to every response
 * while the connection's current request is for a guarded host: upstream responses, 401, 429,
 * 502 and 504 alike, so nothing a guarded host sends is indexed.
 *
 * <p>One per connection, confined to its event loop. The request handler calls {@link
 * #guarded(boolean)} when a request starts; responses of a connection are written in request
 * order and a request starts only after the previous response was written, so the flag always
 * belongs to the response passing through. Informational (1xx) responses are left alone.
 */
public final class NoIndexHeaders extends ChannelOutboundHandlerAdapter {

  private boolean guarded;

  /** Whether the responses of the request that starts now need the header. */
  public void guarded(boolean value) {
    this.guarded = value;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (guarded && msg instanceof HttpResponse response && response.status().code() >= 200) {
      response.headers().set(GuardVerdict.ROBOTS_TAG, GuardVerdict.NO_INDEX);
    }
    ctx.write(msg, promise);
  }
}
