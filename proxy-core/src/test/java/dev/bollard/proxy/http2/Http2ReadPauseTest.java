package dev.bollard.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2ReadPause} on an embedded channel: reading pauses past the unsent-bytes bound and
 * resumes once the connection is writable, stops for good on close, and the read requests of the
 * steps after it (the codec's) do not reach the socket while paused.
 */
class Http2ReadPauseTest {

  /** Counts the read requests that reach the socket. */
  private final AtomicInteger reads = new AtomicInteger();
  private EmbeddedChannel channel;
  private ChannelHandlerContext after;

  @BeforeEach
  void start() {
    channel = new EmbeddedChannel();
    // Netty's default water marks, which the bound is measured against.
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 * 1024, 64 * 1024));
    // The socket side, of a client that reads nothing: flushes leave the bytes queued, a close
    // waits (as TLS waits to send its close-notify), read requests are counted.
    channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
      @Override
      public void read(ChannelHandlerContext ctx) {
        reads.incrementAndGet();
        ctx.read();
      }

      @Override
      public void flush(ChannelHandlerContext ctx) {
      }

      @Override
      public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      }
    });
    channel.pipeline().addLast(new Http2ReadPause());
    channel.pipeline().addLast("codec", new ChannelOutboundHandlerAdapter());
    after = channel.pipeline().context("codec");
  }

  /** Queues a message of {@code bytes} unsent in the channel's outbound buffer. */
  private void queue(int bytes) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    buffer.addMessage(Unpooled.buffer(bytes).writerIndex(bytes), bytes, channel.newPromise());
    buffer.addFlush();
  }

  /** The client read the oldest queued message. */
  private void clientReadsOne() {
    channel.unsafe().outboundBuffer().remove();
  }

  /** Flushes from the codec's place without draining (the client does not read). */
  private void flushUnread() {
    after.flush();
  }

  private int readsFromTheCodec() {
    int before = reads.get();
    after.read();
    return reads.get() - before;
  }

  @Test
  void answersUnderTheBoundDoNotPauseReading() {
    queue(Http2ReadPause.MAX_UNSENT_BYTES - 1024); // with the entry overhead, under it
    flushUnread();
    assertThat(channel.isWritable()).isFalse(); // past the water mark, under the bound
    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(readsFromTheCodec()).isEqualTo(1);
  }

  @Test
  void aBacklogPastTheBoundPausesReadingUntilTheClientReads() {
    queue(Http2ReadPause.MAX_UNSENT_BYTES - 1000);
    queue(2000);
    flushUnread();
    assertThat(channel.config().isAutoRead()).isFalse();
    assertThat(readsFromTheCodec()).as("the codec's read request is held").isZero();

    // The client reads: the buffer drains under the low water mark, the channel is writable.
    reads.set(0);
    clientReadsOne();
    assertThat(channel.isWritable()).isTrue();
    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(reads.get()).as("resuming reads").isEqualTo(1);
    assertThat(readsFromTheCodec()).isEqualTo(1);
  }

  @Test
  void closingStopsReadingForGood() {
    // As when the codec's control-frame limit trips: 10,000 answers of 9 bytes queued, under the
    // bound, and the codec closes.
    queue(90_000);
    flushUnread();
    assertThat(channel.isWritable()).isFalse();
    assertThat(channel.config().isAutoRead()).isTrue();
    after.close();
    clientReadsOne();
    assertThat(channel.isActive()).isTrue();
    assertThat(channel.isWritable()).isTrue();
    assertThat(channel.config().isAutoRead()).isFalse();
    assertThat(readsFromTheCodec()).isZero();
  }
}
