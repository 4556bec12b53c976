package dev.bollard.proxy.upstream;

/**
 * What one event loop knows about one endpoint's load, for the {@code ewma} and {@code least_conn}
 * balancers ({@link Balancer}): its tries in flight from this loop, and the peak-EWMA of their
 * latency (connect start to response head). Touched only on its loop, so plain fields.
 *
 * <p>The exchange that starts a try on the endpoint calls {@link #started} and, exactly once
 * whatever happens to the try, {@link #ended} (response head, failure, timeout) or {@link
 * #abandoned} (the client left, the exchange gave up): every start is matched by one end.
 */
public final class EndpointLoad {

  /**
   * How fast an old latency is forgotten: after this long without news the average has decayed to
   * 1/e of itself (ingress-nginx's {@code DECAY_TIME}, 10 s).
   */
  static final double DECAY_NANOS = 10e9;

  private int inFlight;
  /** Latency average in nanoseconds, as of {@link #touchedNanos}. */
  private double ewma;
  private long touchedNanos;
  private boolean measured;

  EndpointLoad() {}

  /** A try on the endpoint starts. */
  public void started() {
    inFlight++;
  }

  /**
   * A try that started at {@code startNanos} ended at {@code nowNanos} with a response head or a
   * failure: it is no longer in flight, and its time goes into the average. A time above the
   * average replaces it at once (the "peak" of peak-EWMA: a slowing endpoint is noticed on its
   * first slow answer); a smaller one pulls it down as fast as time has passed since the last
   * news.
   */
  public void ended(long startNanos, long nowNanos) {
    end();
    double rtt = Math.max(0, nowNanos - startNanos);
    if (!measured || rtt > ewma) {
      ewma = rtt;
    } else {
      double w = Math.exp(-Math.max(0, nowNanos - touchedNanos) / DECAY_NANOS);
      ewma = ewma * w + rtt * (1 - w);
    }
    measured = true;
    touchedNanos = nowNanos;
  }

  /** A try ended without telling anything about the endpoint's speed (the client left). */
  public void abandoned() {
    end();
  }

  private void end() {
    if (inFlight > 0) {
      inFlight--;
    }
  }

  /** Tries in flight from this loop. */
  int inFlight() {
    return inFlight;
  }

  /** Whether a try on the endpoint ever ended with a time. */
  boolean measured() {
    return measured;
  }

  /**
   * The latency average decayed to {@code nowNanos}: with no news it falls toward zero, so an
   * endpoint that was slow gets traffic again after a while (ingress-nginx does the same).
   */
  double ewmaAt(long nowNanos) {
    return measured ? ewma * Math.exp(-Math.max(0, nowNanos - touchedNanos) / DECAY_NANOS) : 0;
  }

  @Override
  public String toString() {
    return "EndpointLoad[inFlight=" + inFlight + ", ewmaMillis=" + ewma / 1e6 + "]";
  }
}
