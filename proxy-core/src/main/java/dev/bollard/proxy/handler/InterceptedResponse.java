package dev.bollard.proxy.handler;

import dev.bollard.proxy.upstream.UpstreamConnection;
import dev.bollard.proxy.upstream.UpstreamListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Reads and drops the body of an upstream response that an error page replaces, so that its
 * connection can go back to the pool: released after a clean end, discarded if the body breaks,
 * grows past {@value #MAX_DRAINED} bytes (a big error body is cheaper to cut than to read), the
 * upstream goes silent for the read timeout, or anything but body arrives. Not a word of it reaches
 * the client.
 */
final class InterceptedResponse implements UpstreamListener, Runnable {

  /** More than this is not read to save a connection: the connection is closed instead. */
  static final long MAX_DRAINED = 64 * 1024;

  private final UpstreamConnection connection;
  private long drained;
  private boolean done;

  private InterceptedResponse(UpstreamConnection connection) {
    this.connection = connection;
  }

  /**
   * Takes over {@code connection} after the head of a response that is not relayed; its body is
   * dropped. A connection that cannot be reused anyway ({@code reusable} false: the request was
   * not all sent, or either side does not keep alive) is closed at once.
   */
  static void drain(UpstreamConnection connection, boolean reusable, long readTimeoutNanos) {
    if (!reusable) {
      connection.discard();
      return;
    }
    InterceptedResponse drain = new InterceptedResponse(connection);
    connection.redirect(drain);
    if (!connection.channel().config().isAutoRead()) {
      connection.channel().config().setAutoRead(true);
    }
    connection.expectResponseWithin(readTimeoutNanos, drain);
  }

  @Override
  public void onUpstreamRead(Object msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof HttpContent content)) {
      ReferenceCountUtil.release(msg);
      finish(false);
      return;
    }
    boolean failed = content.decoderResult().isFailure();
    boolean last = content instanceof LastHttpContent;
    drained += content.content().readableBytes();
    content.release();
    if (failed || drained > MAX_DRAINED) {
      finish(false);
    } else if (last) {
      finish(true);
    }
  }

  @Override
  public void onUpstreamWritabilityChanged() {}

  @Override
  public void onUpstreamClosed(boolean failed) {
    done = true;
  }

  /** The read timeout passed before the body's end. */
  @Override
  public void run() {
    if (!done) {
      finish(false);
    }
  }

  private void finish(boolean clean) {
    done = true;
    connection.stopResponseDeadline();
    if (clean) {
      connection.release();
    } else {
      connection.discard();
    }
  }
}
