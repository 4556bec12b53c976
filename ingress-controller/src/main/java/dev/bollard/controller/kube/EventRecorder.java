package dev.bollard.controller.kube;

import dev.bollard.proxy.config.RouteSource;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core {@code v1} Events on the objects Bollard has something to say about, on the writer
 * thread and only while this replica leads (so N replicas do not write N copies).
 *
 * <p>Core v1 rather than {@code events.k8s.io/v1}: {@code kubectl describe} shows both, the RBAC
 * is one rule, and every cluster serves it. Callers deduplicate; this writes what it is given.
 */
public final class EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  /** The {@code source.component} and {@code reportingComponent} of every Event. */
  public static final String COMPONENT = "bollard-ingress-controller";

  private final KubernetesClient client;
  private final Executor writer;
  private final BooleanSupplier leading;
  private final String identity;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param writer the thread API writes run on
   * @param leading whether this replica leads now
   * @param identity this replica's name, the Events' {@code reportingInstance}
   */
  public EventRecorder(
      KubernetesClient client, Executor writer, BooleanSupplier leading, String identity) {
    this.client = client;
    this.writer = writer;
    this.leading = leading;
    this.identity = identity;
  }

  /**
   * Records an Event on the object, if this replica leads.
   *
   * @param warning {@code Warning} if true, else {@code Normal}
   * @param reason CamelCase reason, e.g. {@code TranslationProblem}
   */
  public void record(RouteSource object, boolean warning, String reason, String message) {
    if (!leading.getAsBoolean()) {
      return;
    }
    writer.execute(() -> write(object, warning, reason, message));
  }

  private void write(RouteSource object, boolean warning, String reason, String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    String name =
        object.name() + "." + Long.toHexString(System.currentTimeMillis())
            + Long.toHexString(sequence.incrementAndGet()).toLowerCase(Locale.ROOT);
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(object.namespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withKind(object.kind())
            .withApiVersion(apiVersionOf(object.kind()))
            .withNamespace(object.namespace())
            .withName(object.name())
            .endInvolvedObject()
            .withType(warning ? "Warning" : "Normal")
            .withReason(reason)
            .withMessage(message.length() > 1000 ? message.substring(0, 1000) + "..." : message)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(identity)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(object.namespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      log.warn("Cannot write Event {} on {}: {}", reason, object, e.getMessage());
    }
  }

  private static String apiVersionOf(String kind) {
    return switch (kind) {
      case "Ingress", "IngressClass" -> "networking.k8s.io/v1";
      default -> "v1";
    };
  }
}
