package dev.bollard.proxy.handler;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;

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

  /**
   * The request body broke before its end: it was malformed (400) or stalled for longer than
   * {@code client-body-timeout} (408). Answer {@code status} and close (through the owner, which
   * lingers so that the client can read it) if no response has started, else abort; either way
   * the access log says {@code status}. Called only while {@link #requestComplete()} is false.
   */
  void requestBroken(HttpResponseStatus status, String detail);

  /**
   * The client read nothing of the response for the send timeout; the connection is being closed.
   * The access log keeps the response's status, with the body bytes that did leave
   * ({@code unsentBytes} still waited in the outbound buffer).
   */
  default void clientStalled(long unsentBytes) {
    clientClosed();
  }
}
