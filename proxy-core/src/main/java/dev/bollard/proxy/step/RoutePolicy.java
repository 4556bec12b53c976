package dev.bollard.proxy.step;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.config.LoadBalance;
import dev.bollard.proxy.config.NextUpstream;
import dev.bollard.proxy.config.ResponseRate;
import java.time.Duration;
import java.util.Objects;

/**
 * How a route's requests are relayed, as opposed to what its steps decide about them: the global
 * settings of the snapshot in force, changed by the route's {@link PolicyFeature}s (its Ingress's
 * annotations) once, when the chain is compiled. Immutable, shared by every request of the route.
 *
 * @param bodyBuffering whether request bodies are read whole before an upstream connection is
 *     taken, and how much of one stays in memory ({@code proxy-request-buffering}, {@code
 *     client-body-buffer-size})
 * @param connectTimeout upstream connect timeout ({@code proxy-connect-timeout})
 * @param readTimeout upstream read timeout ({@code proxy-read-timeout})
 * @param sendTimeout upstream send timeout ({@code proxy-send-timeout})
 * @param maxBodyBytes largest request body, 0 for unlimited ({@code proxy-body-size})
 * @param accessLog whether the route's requests get an access-log line ({@code enable-access-log});
 *     they are measured either way
 * @param nextUpstream when a failed request goes to the next endpoint ({@code proxy-next-upstream},
 *     {@code -tries}, {@code -timeout})
 * @param maxResponseHeadBytes largest upstream response head the route accepts ({@code
 *     proxy-buffer-size}), or 0 for the upstream decoder's own bound (64 KiB)
 * @param errorPages which error responses are replaced by a page from the error backend, and
 *     where the route's requests go while it has no ready endpoint ({@code custom-http-errors},
 *     {@code default-backend})
 * @param loadBalance how requests are spread over the backend's endpoints ({@code load-balance});
 *     a step may still pin a request to one ({@link StepRequest#pinEndpoint})
 * @param responseRate the bandwidth of each response body to the client ({@code limit-rate},
 *     {@code limit-rate-after})
 */
public record RoutePolicy(
    BodyBuffering bodyBuffering,
    Duration connectTimeout,
    Duration readTimeout,
    Duration sendTimeout,
    long maxBodyBytes,
    boolean accessLog,
    NextUpstream nextUpstream,
    int maxResponseHeadBytes,
    ErrorPages errorPages,
    LoadBalance loadBalance,
    ResponseRate responseRate) {

  /** The policy of a proxy nobody configured ({@link GlobalSettings#DEFAULTS}). */
  public static final RoutePolicy DEFAULTS = of(GlobalSettings.DEFAULTS);

  public RoutePolicy {
    Objects.requireNonNull(bodyBuffering, "bodyBuffering");
    Objects.requireNonNull(errorPages, "errorPages");
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("readTimeout", readTimeout);
    requirePositive("sendTimeout", sendTimeout);
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException(
          "maxBodyBytes: " + maxBodyBytes + " (expected: >= 0, 0 for unlimited)");
    }
    Objects.requireNonNull(nextUpstream, "nextUpstream");
    Objects.requireNonNull(loadBalance, "loadBalance");
    Objects.requireNonNull(responseRate, "responseRate");
    if (maxResponseHeadBytes < 0) {
      throw new IllegalArgumentException("maxResponseHeadBytes: " + maxResponseHeadBytes
          + " (expected: >= 0, 0 for the decoder's bound)");
    }
  }

  /** The policy the global settings give a route whose Ingress changes nothing. */
  public static RoutePolicy of(GlobalSettings settings) {
    GlobalSettings.Timeouts t = settings.timeouts();
    return new RoutePolicy(settings.bodyBuffering(), t.connect(), t.read(), t.send(),
        settings.maxBodyBytes(), true, settings.nextUpstream(), 0, ErrorPages.NONE,
        settings.loadBalance(), settings.responseRate());
  }

  /** This policy with another request body policy. */
  public RoutePolicy withBodyBuffering(BodyBuffering value) {
    return toBuilder().bodyBuffering(value).build();
  }

  /** This policy with other upstream timeouts. */
  public RoutePolicy withTimeouts(Duration connect, Duration read, Duration send) {
    return toBuilder().connectTimeout(connect).readTimeout(read).sendTimeout(send).build();
  }

  /** This policy with another body limit (0 for none). */
  public RoutePolicy withMaxBodyBytes(long value) {
    return toBuilder().maxBodyBytes(value).build();
  }

  /** This policy with access-log lines on or off. */
  public RoutePolicy withAccessLog(boolean value) {
    return toBuilder().accessLog(value).build();
  }

  /** This policy with other retry rules. */
  public RoutePolicy withNextUpstream(NextUpstream value) {
    return toBuilder().nextUpstream(value).build();
  }

  /** This policy with another bound on upstream response heads (0 for the decoder's). */
  public RoutePolicy withMaxResponseHeadBytes(int value) {
    return toBuilder().maxResponseHeadBytes(value).build();
  }

  /** This policy with other error pages. */
  public RoutePolicy withErrorPages(ErrorPages value) {
    return toBuilder().errorPages(value).build();
  }

  /** A builder holding this policy, to change parts of it. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A policy built field by field from another ({@link #toBuilder}). */
  public static final class Builder {
    private BodyBuffering bodyBuffering;
    private Duration connectTimeout;
    private Duration readTimeout;
    private Duration sendTimeout;
    private long maxBodyBytes;
    private boolean accessLog;
    private NextUpstream nextUpstream;
    private int maxResponseHeadBytes;
    private ErrorPages errorPages;
    private LoadBalance loadBalance;
    private ResponseRate responseRate;

    private Builder(RoutePolicy from) {
      this.bodyBuffering = from.bodyBuffering;
      this.connectTimeout = from.connectTimeout;
      this.readTimeout = from.readTimeout;
      this.sendTimeout = from.sendTimeout;
      this.maxBodyBytes = from.maxBodyBytes;
      this.accessLog = from.accessLog;
      this.nextUpstream = from.nextUpstream;
      this.maxResponseHeadBytes = from.maxResponseHeadBytes;
      this.errorPages = from.errorPages;
      this.loadBalance = from.loadBalance;
      this.responseRate = from.responseRate;
    }

    public Builder bodyBuffering(BodyBuffering value) {
      this.bodyBuffering = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = value;
      return this;
    }

    public Builder readTimeout(Duration value) {
      this.readTimeout = value;
      return this;
    }

    public Builder sendTimeout(Duration value) {
      this.sendTimeout = value;
      return this;
    }

    public Builder maxBodyBytes(long value) {
      this.maxBodyBytes = value;
      return this;
    }

    public Builder accessLog(boolean value) {
      this.accessLog = value;
      return this;
    }

    public Builder nextUpstream(NextUpstream value) {
      this.nextUpstream = value;
      return this;
    }

    public Builder maxResponseHeadBytes(int value) {
      this.maxResponseHeadBytes = value;
      return this;
    }

    public Builder errorPages(ErrorPages value) {
      this.errorPages = value;
      return this;
    }

    public Builder loadBalance(LoadBalance value) {
      this.loadBalance = value;
      return this;
    }

    public Builder responseRate(ResponseRate value) {
      this.responseRate = value;
      return this;
    }

    /** The policy; the same checks as the constructor's. */
    public RoutePolicy build() {
      return new RoutePolicy(
          bodyBuffering,
          connectTimeout,
          readTimeout,
          sendTimeout,
          maxBodyBytes,
          accessLog,
          nextUpstream,
          maxResponseHeadBytes,
          errorPages,
          loadBalance,
          responseRate);
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
