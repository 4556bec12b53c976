package dev.bollard.controller.statuspage;

import dev.bollard.controller.concurrent.DaemonThreads;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.status.ControllerStatus;
import dev.bollard.proxy.admin.AdminPage;
import dev.bollard.proxy.routing.CurrentRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener's status page: {@code GET /} (the HTML, script and style inline) and {@code
 * GET /status/page} (its data), with the sampler that turns the request counters into the last
 * minute's rates. One per process; closed with it.
 */
public final class StatusPage implements AutoCloseable {

  /** Where the page is served on the admin listener. */
  public static final String PAGE_PATH = "/";

  /** Where the page reads its data. */
  public static final String DATA_PATH = "/status/page";

  private static final String RESOURCE = "/statuspage/index.html";

  private final String html;
  private final LastRebuild rebuild;
  private final PageData data;
  private final ScheduledExecutorService sampler;

  private StatusPage(String html, LastRebuild rebuild, PageData data,
      ScheduledExecutorService sampler) {
    this.html = html;
    this.rebuild = rebuild;
    this.data = data;
    this.sampler = sampler;
  }

  /** Loads the page and starts sampling {@code registry}'s request counters. */
  public static StatusPage start(ControllerStatus status, CurrentRoutes routes,
      MeterRegistry registry) {
    Clock clock = Clock.systemUTC();
    LastRebuild rebuild = new LastRebuild(clock);
    TrafficRates traffic = new TrafficRates(registry);
    ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("status-page-sampler"));
    long every = TrafficRates.INTERVAL.toMillis();
    sampler.scheduleAtFixedRate(traffic::sample, 0, every, TimeUnit.MILLISECONDS);
    return new StatusPage(load(), rebuild,
        new PageData(status, routes, rebuild, traffic, clock), sampler);
  }

  /** Hears every rebuild: its problems and when the snapshot changed. */
  public SnapshotPublisher.Listener rebuilds() {
    return rebuild;
  }

  /** The pages to add to the admin listener. */
  public Map<String, AdminPage> pages() {
    return Map.of(PAGE_PATH, AdminPage.html(() -> html), DATA_PATH, AdminPage.json(data::json));
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }

  private static String load() {
    try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("status page resource " + RESOURCE
            + " is missing from the jar; rebuild it");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
