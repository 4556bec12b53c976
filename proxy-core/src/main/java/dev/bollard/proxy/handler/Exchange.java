package dev.bollard.proxy.handler;

import io.netty.handler.codec.http.HttpContent;

/**
 * One request and its response on a client connection. The connection's {@link ProxyHandler}
 * feeds it the request body and learns from it when it is done.
 */
interface Exchange {

  /** A piece of this exchange's request body; the last one is a {@code LastHttpContent}. */
  void fromClient(HttpContent content);

  /** Whether the whole request (head and body) has been received from the client. */
  boolean requestComplete();

  /** Whether reading more from the client is wanted now (backpressure). */
  boolean wantsClientData();

  /** The client channel's writability changed (backpressure on the response direction). */
  void clientWritabilityChanged();

  /** The client connection closed; release everything. */
  void clientClosed();
}
