package dev.bollard.proxy.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.ResponseRate;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * nginx's {@code limit_rate} arithmetic on one clock shared by the pacer and the event loop's
 * timers (an {@link EmbeddedChannel} with frozen time, advanced by the test).
 */
class ResponsePacerTest {

  private static final int KIB = 1024;

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final List<Integer> written = new ArrayList<>();
  private int drained;
  private boolean ended;

  {
    channel.freezeTime();
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private ResponsePacer pacer(long rate, long after) {
    return new ResponsePacer(new ResponseRate(rate, after), channel, new ResponsePacer.Writer() {
      @Override
      public void write(HttpContent part) {
        written.add(part.content().readableBytes());
        ended |= part instanceof LastHttpContent;
        part.release();
      }

      @Override
      public void drained() {
        drained++;
      }
    }, now::get);
  }

  private static HttpContent part(int bytes) {
    return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[bytes]));
  }

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  private long sent() {
    return written.stream().mapToLong(Integer::longValue).sum();
  }

  @Test
  void aSecondsWorthAndTheFreeBytesGoAtOnceThenTheRate() {
    ResponsePacer pacer = pacer(100 * KIB, 50 * KIB);
    // 64 KiB parts: the budget at t = 0 is 50 + 100 KiB, so two parts and 22 KiB of the third.
    assertThat(pacer.offer(part(64 * KIB))).isFalse();
    assertThat(pacer.offer(part(64 * KIB))).isFalse();
    assertThat(pacer.offer(part(64 * KIB))).isTrue();
    assertThat(sent()).isEqualTo(150 * KIB);
    // What waits is what was offered: the caller stopped reading.
    assertThat(pacer.holding()).isTrue();
    for (int ms = 0; ms < 5000 && pacer.holding(); ms += 10) {
      advanceMillis(10);
      // Never ahead of nginx's budget.
      assertThat(sent()).isLessThanOrEqualTo(50 * KIB + 100 * KIB * (ms + 10 + 1000) / 1000);
    }
    assertThat(sent()).isEqualTo(192 * KIB);
    assertThat(drained).isEqualTo(1);
    // 42 KiB more than the first budget at 100 KiB/s: done between 0.42 s and 0.42 s + a tick.
    assertThat(now.get() - 5_000_000_000L).isBetween(420_000_000L, 440_000_000L);
  }

  @Test
  void theEndWaitsForTheBudgetAndSmallPiecesAreNotWritten() {
    ResponsePacer pacer = pacer(8 * KIB, 0);
    // Quantum: 8 KiB / 8 = 1 KiB; 8 KiB go at once.
    pacer.offer(part(8 * KIB));
    assertThat(pacer.offer(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[4 * KIB]))))
        .isTrue();
    assertThat(written).containsExactly(8 * KIB);
    advanceMillis(100);
    // 0.8 KiB of budget: less than a quantum, nothing written.
    assertThat(written).containsExactly(8 * KIB);
    advanceMillis(400);
    assertThat(sent()).isEqualTo(12 * KIB);
    assertThat(ended).isTrue();
    assertThat(pacer.holding()).isFalse();
  }

  @Test
  void closingDropsWhatWaitsAndTheTimer() {
    ResponsePacer pacer = pacer(KIB, 0);
    HttpContent big = part(64 * KIB);
    pacer.offer(big);
    pacer.close();
    assertThat(big.refCnt()).isZero();
    advanceMillis(120_000);
    assertThat(sent()).isEqualTo(KIB);
    HttpContent late = part(1);
    assertThat(pacer.offer(late)).isFalse();
    assertThat(late.refCnt()).isZero();
  }
}
