package dev.bollard.proxy.upstream;

/**
 * Receives what happens on a leased upstream connection. Called on the connection's event loop,
 * which is the loop of the client it was leased for.
 */
public interface UpstreamListener {

  /** An HTTP object from the upstream (or a raw {@code ByteBuf} once the codec is removed). */
  void onUpstreamRead(Object msg);

  /** The upstream channel's writability changed (backpressure on the request direction). */
  void onUpstreamWritabilityChanged();

  /** The upstream connection closed or failed. */
  void onUpstreamClosed(boolean failed);

  /**
   * The reads of one batch from the upstream are over ({@code channelReadComplete}): what was
   * relayed from them without a flush may be flushed now, once.
   */
  default void onUpstreamReadComplete() {}
}
