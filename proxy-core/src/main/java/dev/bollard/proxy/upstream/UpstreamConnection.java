package dev.bollard.proxy.upstream;

import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.config.UpstreamTls;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An upstream connection leased to one exchange. Give it back with {@link #release()} only after
 * a response completed cleanly on a keep-alive connection; otherwise {@link #discard()} it. Every
 * decoder failure (a response the codec could not parse, a body it could not frame) counts as not
 * clean: the decoder skips everything after one, so such a connection could never answer again.
 *
 * <p>One deadline per connection, whichever applies: the lessee's response deadline while leased
 * ({@link #expectResponseWithin}), the pool's idle deadline while pooled. It is a {@code long}
 * that requests move; one scheduled check compares the clock with it when it fires and schedules
 * itself again for what is left, so a request costs no schedule/cancel pair on the timer queue.
 */
public final class UpstreamConnection {

  private final Channel channel;
  private final Endpoint endpoint;
  private final @Nullable UpstreamTls tls;
  private final ConnectionHome pool;
  private final UpstreamChannelHandler handler;
  /** {@code host:port}, for the access log: built once per connection, not per request. */
  private final String address;
  private int leases;
  /** What the deadline is for: {@link #NONE}, {@link #RESPONSE} or {@link #IDLE}. */
  private byte deadlineKind;
  private long deadline;
  private @Nullable Runnable onResponseDeadline;
  private long checkAt;
  private @Nullable ScheduledFuture<?> check;

  private static final byte NONE = 0;
  private static final byte RESPONSE = 1;
  private static final byte IDLE = 2;

  /**
   * The HTTP/1.1 codec in the pipeline; {@code null} once removed (protocol switch), and for an
   * HTTP/2 stream.
   */
  private @Nullable UpstreamCodec codec;

  UpstreamConnection(Channel channel, Endpoint endpoint, @Nullable UpstreamTls tls,
      ConnectionHome pool, UpstreamChannelHandler handler, @Nullable UpstreamCodec codec) {
    this(channel, endpoint, tls, pool, handler, codec, endpoint.host() + ":" + endpoint.port());
  }

  /** With {@code address} ({@code host:port}) made once for many leases (HTTP/2 streams). */
  UpstreamConnection(Channel channel, Endpoint endpoint, @Nullable UpstreamTls tls,
      ConnectionHome pool, UpstreamChannelHandler handler, @Nullable UpstreamCodec codec,
      String address) {
    this.tls = tls;
    this.codec = codec;
    this.channel = channel;
    this.endpoint = endpoint;
    this.pool = pool;
    this.handler = handler;
    this.address = address;
  }

  /**
   * The Netty channel, on the client's event loop: the TCP connection for HTTP/1.1, the stream's
   * child channel for HTTP/2 (it takes and gives the same HTTP objects).
   */
  public Channel channel() {
    return channel;
  }

  /** Where the connection goes. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** How the connection speaks TLS, or {@code null} for plain HTTP. */
  public @Nullable UpstreamTls tls() {
    return tls;
  }

  /** Where the connection goes, as {@code host:port} (the access log's upstream address). */
  public String address() {
    return address;
  }

  /** Whether the connection served an earlier request (and so may have been closed meanwhile). */
  public boolean isReused() {
    return leases > 1;
  }

  /**
   * Returns a clean keep-alive connection to its loop's pool; the pool closes it instead if the
   * upstream sent bytes beyond the response ({@link #isClean}).
   */
  public void release() {
    handler.listener(null);
    if (!channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
    pool.release(this);
  }

  /**
   * Whether the upstream surely never processed the request sent on this connection, now closed:
   * an HTTP/2 stream refused by a {@code GOAWAY} that came as it was opened ({@link
   * ConnectionHome#neverProcessed}). Sending it again is safe whatever its method.
   */
  public boolean neverProcessed() {
    return pool.neverProcessed(this);
  }

  /** Closes the connection; it is never reused. */
  public void discard() {
    handler.listener(null);
    channel.close();
  }

  /** Hands the connection's events to another listener (after a protocol switch). */
  public void redirect(UpstreamListener next) {
    handler.listener(next);
  }

  /** Removes the HTTP codec after a protocol switch: from now on the listener gets raw bytes. */
  public void switchToRawBytes() {
    UpstreamCodec c = codec;
    codec = null;
    if (c != null && channel.pipeline().context(c) != null) {
      channel.pipeline().remove(c);
    }
  }

  /**
   * Whether the upstream sent nothing beyond the responses decoded so far: a connection with
   * bytes left over (more than its {@code Content-Length}, or anything while it sat idle) would
   * have the next response read after them, so the pool closes it instead.
   */
  boolean isClean() {
    // The codec kept at hand: asked on every release and lease, a pipeline search each time
    // was two walks of the handler list per request.
    UpstreamCodec c = codec;
    return c != null && !c.hasUnreadBytes();
  }

  /**
   * Runs {@code onExpiry} (on the event loop) unless this is called again, or {@link
   * #stopResponseDeadline()}, within {@code nanos}: the upstream read timeout. Cheap to call on
   * every read.
   */
  public void expectResponseWithin(long nanos, Runnable onExpiry) {
    onResponseDeadline = onExpiry;
    setDeadline(RESPONSE, nanos);
  }

  /** No response deadline (the client is slow, or the response is complete). */
  public void stopResponseDeadline() {
    if (deadlineKind == RESPONSE) {
      deadlineKind = NONE;
      onResponseDeadline = null;
    }
  }

  void lease(UpstreamListener listener) {
    leases++;
    noDeadline();
    handler.listener(listener);
  }

  /** Pooled: closed through the pool after {@code nanos} unless leased first. */
  void idleFor(long nanos) {
    onResponseDeadline = null;
    setDeadline(IDLE, nanos);
  }

  /** Removes any deadline and its check (leased, or closed). */
  void cancelIdleTimer() {
    noDeadline();
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private void noDeadline() {
    deadlineKind = NONE;
    onResponseDeadline = null;
  }

  private void setDeadline(byte kind, long nanos) {
    deadlineKind = kind;
    long when = System.nanoTime() + nanos;
    deadline = when;
    if (check != null) {
      if (checkAt - when <= 0) {
        return; // fires first, then schedules itself again for what is left
      }
      check.cancel(false);
    }
    checkAt = when;
    check = channel.eventLoop().schedule(this::checkDeadline, nanos, TimeUnit.NANOSECONDS);
  }

  private void checkDeadline() {
    check = null;
    if (deadlineKind == NONE || !channel.isActive()) {
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      checkAt = deadline;
      check = channel.eventLoop().schedule(this::checkDeadline, left, TimeUnit.NANOSECONDS);
      return;
    }
    byte kind = deadlineKind;
    Runnable action = onResponseDeadline;
    noDeadline();
    if (kind == IDLE) {
      pool.idleExpired(this);
    } else if (action != null) {
      action.run();
    }
  }
}
