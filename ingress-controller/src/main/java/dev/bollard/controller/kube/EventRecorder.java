package dev.bollard.controller.kube;

import dev.bollard.proxy.config.RouteSource;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core {@code v1} Events on the objects Bollard has something to say about, on its own
 * writer thread (never behind Ingress status) and only while this replica leads.
 *
 * <p>Aggregated as {@code kubectl}'s and client-go's recorders do: the same object, type, reason
 * and message is one Event whose {@code count} and {@code lastTimestamp} grow, not a new Event
 * each time. Occurrences that arrive while one is waiting to be written are added to it, so a
 * burst is one write. The Event's name is derived from what it says, so the next leader (or this
 * process after a restart) finds and counts on the same Event. Writes are bounded by a {@link
 * WriteRate}.
 *
 * <p>Core v1 rather than {@code events.k8s.io/v1}: {@code kubectl describe} shows both, the RBAC
 * is one rule, and every cluster serves it.
 */
public final class EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  /** The {@code source.component} and {@code reportingComponent} of every Event. */
  public static final String COMPONENT = "bollard-ingress-controller";

  /** Events remembered for counting on; beyond it the least recently used are looked up again. */
  private static final int REMEMBERED = 4096;

  private final KubernetesClient client;
  private final Executor writer;
  private final BooleanSupplier leading;
  private final String identity;
  private final WriteRate rate;
  /** Occurrences not written yet; a key here has a write queued. */
  private final Map<Key, Pending> pending = new HashMap<>();
  /** The Event last written for each key, to count on without reading it back. */
  private final Map<Key, Event> written =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Event> eldest) {
          return size() > REMEMBERED;
        }
      };

  /**
   * An Event recorder writing as fast as it is asked to (tests, inline writers).
   *
   * @param writer the thread API writes run on
   * @param leading whether this replica leads now
   * @param identity this replica's name, the Events' {@code reportingInstance}
   */
  public EventRecorder(
      KubernetesClient client, Executor writer, BooleanSupplier leading, String identity) {
    this(client, writer, leading, identity, 0);
  }

  /**
   * @param writer the thread API writes run on: its own, not the status writer's
   * @param leading whether this replica leads now
   * @param identity this replica's name, the Events' {@code reportingInstance}
   * @param writesPerSecond the most Event writes a second; 0 for no bound
   */
  public EventRecorder(
      KubernetesClient client,
      Executor writer,
      BooleanSupplier leading,
      String identity,
      double writesPerSecond) {
    this.client = client;
    this.writer = writer;
    this.leading = leading;
    this.identity = identity;
    this.rate = writesPerSecond == 0 ? WriteRate.UNLIMITED : new WriteRate(writesPerSecond);
  }

  /**
   * Records an occurrence on the object, if this replica leads: a new Event, or one more on the
   * Event that already says the same.
   *
   * @param warning {@code Warning} if true, else {@code Normal}
   * @param reason CamelCase reason, e.g. {@code TranslationProblem}
   */
  public void record(RouteSource object, boolean warning, String reason, String message) {
    if (!leading.getAsBoolean()) {
      return;
    }
    Key key = new Key(object, warning, reason,
        message.length() > 1000 ? message.substring(0, 1000) + "..." : message);
    Instant now = Instant.now();
    boolean queue;
    synchronized (pending) {
      Pending p = pending.get(key);
      queue = p == null;
      pending.put(key, p == null ? new Pending(1, now, now) : p.plusOne(now));
    }
    if (queue) {
      try {
        writer.execute(() -> write(key));
      } catch (RejectedExecutionException e) {
        // Shutting down: nothing more is written.
        synchronized (pending) {
          pending.remove(key);
        }
      }
    }
  }

  private void write(Key key) {
    try {
      rate.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Pending occurrences;
    synchronized (pending) {
      occurrences = pending.remove(key);
    }
    if (occurrences == null || !leading.getAsBoolean()) {
      return;
    }
    try {
      Event known;
      synchronized (written) {
        known = written.get(key);
      }
      Event result = known != null ? count(key, known, occurrences) : create(key, occurrences);
      synchronized (written) {
        written.put(key, result);
      }
    } catch (KubernetesClientException e) {
      log.warn("Cannot write Event {} on {}: {}", key.reason(), key.object(), e.getMessage());
    }
  }

  /** A new Event, or, if one with its name exists (written by an earlier leader), counted on. */
  private Event create(Key key, Pending occurrences) {
    Event event = new EventBuilder()
        .withNewMetadata()
        .withName(key.eventName())
        .withNamespace(key.object().namespace())
        .endMetadata()
        .withNewInvolvedObject()
        .withKind(key.object().kind())
        .withApiVersion(apiVersionOf(key.object().kind()))
        .withNamespace(key.object().namespace())
        .withName(key.object().name())
        .endInvolvedObject()
        .withType(key.warning() ? "Warning" : "Normal")
        .withReason(key.reason())
        .withMessage(key.message())
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(identity)
        .withFirstTimestamp(timestamp(occurrences.first()))
        .withLastTimestamp(timestamp(occurrences.last()))
        .withCount(occurrences.count())
        .build();
    try {
      return client.v1().events().inNamespace(key.object().namespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      Event existing = client.v1().events().inNamespace(key.object().namespace())
          .withName(key.eventName()).get();
      if (existing == null) {
        throw e;
      }
      return count(key, existing, occurrences);
    }
  }

  /** One write adding the occurrences to an Event that exists; created again if it expired. */
  private Event count(Key key, Event existing, Pending occurrences) {
    int count = (existing.getCount() == null ? 1 : existing.getCount()) + occurrences.count();
    String patch = "{\"count\":" + count + ",\"lastTimestamp\":\""
        + timestamp(occurrences.last()) + "\"}";
    try {
      return client.v1().events().inNamespace(key.object().namespace())
          .withName(existing.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      // Expired (the API server keeps Events an hour by default): start a new series.
      synchronized (written) {
        written.remove(key);
      }
      return create(key, occurrences);
    }
  }

  private static String timestamp(Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
  }

  private static String apiVersionOf(String kind) {
    return switch (kind) {
      case "Ingress", "IngressClass" -> "networking.k8s.io/v1";
      default -> "v1";
    };
  }

  /** What makes two occurrences the same Event. */
  private record Key(RouteSource object, boolean warning, String reason, String message) {

    /** {@code <object>.<hash of the rest>}: the same for every replica and every restart. */
    String eventName() {
      String name = object.name().length() > 230 ? object.name().substring(0, 230) : object.name();
      return name + "." + hash(object.kind() + "\n" + warning + "\n" + reason + "\n" + message);
    }

    private static String hash(String text) {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JVM", e);
      }
    }
  }

  /** Occurrences waiting for their write. */
  private record Pending(int count, Instant first, Instant last) {
    Pending plusOne(Instant at) {
      return new Pending(count + 1, first, at);
    }
  }
}
