package dev.bollard.proxy.http2;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.Http2Settings;
import dev.bollard.proxy.handler.ClientTimeouts;
import dev.bollard.proxy.handler.HeadLimits;
import dev.bollard.proxy.handler.Http2Connection;
import dev.bollard.proxy.handler.Http2StreamHead;
import dev.bollard.proxy.handler.Http2StreamTimers;
import dev.bollard.proxy.handler.ProxyHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * The HTTP/2 steps of a client connection, in one place, from the listener's fixed head limits
 * and the snapshot's {@link Http2Settings} (read once per connection).
 *
 * <p>Connection: {@code h2-pause} ({@code Http2ReadPause}: reading stops while answers pile up
 * unsent, and once the connection closes) → {@code h2-flush} (flushes held until the read batch,
 * or the event loop's turn, ends: the responses of many streams, each flushed by its own exchange,
 * leave as one TLS write instead of a record and a syscall each) → {@code h2} (Netty's frame codec
 * with the limits below) → {@code h2-connection} ({@link Http2Connection}: drain, idle and send
 * timers, requests per connection) → {@code h2-streams} (the multiplexer: one child channel per
 * stream).
 *
 * <p>Stream: {@code h2-http} (frames to HTTP/1.1 messages and back: {@code Connection}-specific
 * headers never reach a client) → {@code hsts} (HTTPS) → {@code h2-head} ({@link Http2StreamHead})
 * → {@code h2-timers} ({@link Http2StreamTimers}) → {@code proxy} (the same {@link ProxyHandler} as
 * HTTP/1.1, one request).
 *
 * <p>Limits against the known attacks on HTTP/2 servers, each a connection error ({@code GOAWAY},
 * then close) unless said otherwise:
 *
 * <ul>
 *   <li>Rapid reset (CVE-2023-44487): more than {@value #MAX_RST_FRAMES} {@code RST_STREAM} frames
 *       from the client within {@value #RST_WINDOW_SECONDS} s ({@code ENHANCE_YOUR_CALM}). Each
 *       reset stream costs a child channel that closes at once; the concurrent-stream limit bounds
 *       what is open at any moment.
 *   <li>CONTINUATION flood (CVE-2024-27316): a header block is bounded by {@code
 *       SETTINGS_MAX_HEADER_LIST_SIZE} (a list somewhat over it is answered 431 on its stream, far
 *       over it closes the connection), and more than {@value #MAX_SMALL_CONTINUATIONS} small
 *       CONTINUATION frames in one block close the connection.
 *   <li>SETTINGS / PING floods: more than {@value #MAX_QUEUED_CONTROL_FRAMES} answers ({@code
 *       SETTINGS} and {@code PING} acknowledgements, {@code RST_STREAM}) not yet handed to the
 *       socket: queued in TLS or in the connection's outbound buffer, once the socket's send buffer
 *       is full (a client that sends them but does not read). The connection then reads nothing
 *       more ({@code Http2ReadPause}) and closes; its {@code GOAWAY} waits behind what the client
 *       did not read, so such a client sees the connection reset rather than the frame.
 *   <li>Anything else the proxy must write and the client does not read: past 256 KiB
 *       unsent, reading pauses (no {@code GOAWAY}) until
 *       the client reads; the send timeout closes a connection whose client never does.
 *   <li>Empty DATA frames: more than {@value #MAX_EMPTY_DATA_FRAMES} in a row.
 *   <li>Streams beyond {@code SETTINGS_MAX_CONCURRENT_STREAMS}: refused ({@code REFUSED_STREAM},
 *       the stream only).
 *   <li>PRIORITY frames cost no answer; Netty's priority tree keeps a small fixed number of entries
 *       for streams that are not open, so a flood of them holds no memory.
 * </ul>
 */
public final class Http2Pipelines {

  /** Netty's and the CVE-2023-44487 advisories' bound: resets per window before GOAWAY. */
  static final int MAX_RST_FRAMES = 200;
  static final int RST_WINDOW_SECONDS = 30;
  static final int MAX_SMALL_CONTINUATIONS = 16;
  static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;
  static final int MAX_EMPTY_DATA_FRAMES = 2;
  /** Flushes of the connection held back for one write to TLS, at most. */
  static final int MAX_FLUSHES_HELD = 256;

  private static final String H2_PAUSE = "h2-pause";
  private static final String H2_FLUSH = "h2-flush";
  private static final String H2 = "h2";
  private static final String H2_CONNECTION = "h2-connection";
  private static final String H2_STREAMS = "h2-streams";

  private Http2Pipelines() {}

  /**
   * Adds a connection's HTTP/2 steps at the end of {@code p} (whose HTTP/1.1 steps are gone):
   * requests go to handlers of {@code shared}, with {@code headLimits} (the HTTP/1.1 head limits of
   * the listener, which an unset {@code http2-max-header-size} follows), the client timeouts
   * {@code limits} and {@code global}'s HTTP/2 settings.
   */
  public static void serve(ChannelPipeline p, ProxyHandler.Listener shared, GlobalSettings global,
      HeadLimits headLimits, ClientTimeouts.Limits limits) {
    Http2Settings settings = global.http2();
    int maxHeaderList = settings.maxHeaderListBytes() > 0
        ? settings.maxHeaderListBytes() : headLimits.maxHeaderBytes();
    Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
        .initialSettings(io.netty.handler.codec.http2.Http2Settings.defaultSettings()
            .maxConcurrentStreams(settings.maxConcurrentStreams())
            .maxHeaderListSize(maxHeaderList))
        .validateHeaders(true)
        .decoderEnforceMaxRstFramesPerWindow(MAX_RST_FRAMES, RST_WINDOW_SECONDS)
        .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATIONS)
        .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
        .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_EMPTY_DATA_FRAMES)
        .build();
    int maxRequests = settings.maxRequests() > 0
        ? settings.maxRequests() : global.keepAliveRequests();
    p.addLast(H2_PAUSE, new Http2ReadPause());
    p.addLast(H2_FLUSH, new FlushConsolidationHandler(MAX_FLUSHES_HELD, true));
    p.addLast(H2, codec);
    p.addLast(H2_CONNECTION,
        new Http2Connection(shared, new ClientTimeouts(limits), maxRequests));
    p.addLast(H2_STREAMS,
        new Http2MultiplexHandler(streams(shared, headLimits, settings.maxFieldBytes(), limits)));
  }

  private static ChannelHandler streams(ProxyHandler.Listener shared, HeadLimits headLimits,
      int maxFieldBytes, ClientTimeouts.Limits limits) {
    return new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel ch) {
        ChannelPipeline p = ch.pipeline();
        ClientTimeouts timeouts = new ClientTimeouts(limits);
        p.addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true));
        ChannelHandler hsts = shared.edge().hstsStep();
        if (hsts != null) {
          p.addLast("hsts", hsts);
        }
        p.addLast("h2-head", new Http2StreamHead(headLimits, maxFieldBytes, shared.edge()));
        p.addLast("h2-timers", new Http2StreamTimers(timeouts));
        p.addLast("proxy", ProxyHandler.forStream(shared, timeouts));
      }
    };
  }
}
