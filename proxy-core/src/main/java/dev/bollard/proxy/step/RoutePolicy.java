package dev.bollard.proxy.step;

import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.config.NextUpstream;
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
    ErrorPages errorPages) {

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
    if (maxResponseHeadBytes < 0) {
      throw new IllegalArgumentException("maxResponseHeadBytes: " + maxResponseHeadBytes
          + " (expected: >= 0, 0 for the decoder's bound)");
    }
  }

  /** The policy the global settings give a route whose Ingress changes nothing. */
  public static RoutePolicy of(GlobalSettings settings) {
    GlobalSettings.Timeouts t = settings.timeouts();
    return new RoutePolicy(settings.bodyBuffering(), t.connect(), t.read(), t.send(),
        settings.maxBodyBytes(), true, settings.nextUpstream(), 0, ErrorPages.NONE);
  }

  /** This policy with another request body policy. */
  public RoutePolicy withBodyBuffering(BodyBuffering value) {
    return new RoutePolicy(value, connectTimeout, readTimeout, sendTimeout, maxBodyBytes,
        accessLog, nextUpstream, maxResponseHeadBytes, errorPages);
  }

  /** This policy with other upstream timeouts. */
  public RoutePolicy withTimeouts(Duration connect, Duration read, Duration send) {
    return new RoutePolicy(bodyBuffering, connect, read, send, maxBodyBytes, accessLog,
        nextUpstream, maxResponseHeadBytes, errorPages);
  }

  /** This policy with another body limit (0 for none). */
  public RoutePolicy withMaxBodyBytes(long value) {
    return new RoutePolicy(bodyBuffering, connectTimeout, readTimeout, sendTimeout, value,
        accessLog, nextUpstream, maxResponseHeadBytes, errorPages);
  }

  /** This policy with access-log lines on or off. */
  public RoutePolicy withAccessLog(boolean value) {
    return new RoutePolicy(bodyBuffering, connectTimeout, readTimeout, sendTimeout, maxBodyBytes,
        value, nextUpstream, maxResponseHeadBytes, errorPages);
  }

  /** This policy with other retry rules. */
  public RoutePolicy withNextUpstream(NextUpstream value) {
    return new RoutePolicy(bodyBuffering, connectTimeout, readTimeout, sendTimeout, maxBodyBytes,
        accessLog, value, maxResponseHeadBytes, errorPages);
  }

  /** This policy with another bound on upstream response heads (0 for the decoder's). */
  public RoutePolicy withMaxResponseHeadBytes(int value) {
    return new RoutePolicy(bodyBuffering, connectTimeout, readTimeout, sendTimeout, maxBodyBytes,
        accessLog, nextUpstream, value, errorPages);
  }

  /** This policy with other error pages. */
  public RoutePolicy withErrorPages(ErrorPages value) {
    return new RoutePolicy(bodyBuffering, connectTimeout, readTimeout, sendTimeout, maxBodyBytes,
        accessLog, nextUpstream, maxResponseHeadBytes, value);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
