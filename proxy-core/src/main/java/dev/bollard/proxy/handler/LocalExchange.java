package dev.bollard.proxy.handler;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * An exchange the proxy answers itself (404, 503, 400): the request body is read and dropped, then
 * the response goes out, so the connection can be kept alive.
 */
final class LocalExchange implements Exchange {

  private final ProxyHandler owner;
  private final ChannelHandlerContext client;
  private FullHttpResponse response;
  private final boolean keepAlive;
  private final ClientRequest request;
  private boolean requestComplete;
  private boolean sent;

  LocalExchange(
      ProxyHandler owner,
      ChannelHandlerContext client,
      FullHttpResponse response,
      boolean keepAlive) {
    this.owner = owner;
    this.client = client;
    this.response = response;
    this.keepAlive = keepAlive;
    this.request = owner.requestContext();
  }

  /** Writes the response and logs the request (the steps' response edits and request id first). */
  private ChannelFuture send() {
    int status = response.status().code();
    request.prepareLocalResponse(response);
    request.facts.bytesOut(response.content().readableBytes());
    ChannelFuture written = client.writeAndFlush(response);
    owner.telemetry().completed(request.facts, status);
    return written;
  }

  /**
   * Answers before the body arrives and closes: for a client waiting for {@code 100 Continue},
   * which will not send the body it was about to be refused for.
   */
  void respondNow() {
    sent = true;
    ChannelFuture written = send();
    owner.exchangeDone(this, false, written);
  }

  @Override
  public void fromClient(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    request.facts.bytesIn(content.content().readableBytes());
    content.release();
    if (last) {
      requestComplete = true;
      if (!sent) {
        sent = true;
        ChannelFuture written = send();
        owner.exchangeDone(this, keepAlive, written);
      }
    }
  }

  @Override
  public boolean requestComplete() {
    return requestComplete;
  }

  @Override
  public boolean wantsClientData() {
    return !requestComplete;
  }

  @Override
  public void clientWritabilityChanged() {}

  @Override
  public void requestBroken(HttpResponseStatus status, String detail) {
    if (sent) {
      return;
    }
    // Not the answer the request was to get: the one for its broken body, then a close.
    response.release();
    response = PlainResponses.of(status, detail, false);
    respondNow();
  }

  @Override
  public void clientClosed() {
    if (!sent) {
      sent = true;
      response.release();
      owner.telemetry().completed(request.facts, 499);
    }
  }
}
