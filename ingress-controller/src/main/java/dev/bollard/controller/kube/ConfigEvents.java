package dev.bollard.controller.kube;

import dev.bollard.controller.publish.Publication;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.settings.ConfigVersion;
import dev.bollard.controller.settings.GlobalConfig;
import dev.bollard.proxy.config.RouteSource;

/**
 * Writes an Event on the ConfigMap of each config transition in a published result ({@code
 * ConfigActivated}, {@code ConfigRefused}, {@code ConfigWarning}); leader only, through the {@link
 * EventRecorder}.
 */
public final class ConfigEvents implements SnapshotPublisher.Listener {

  private final EventRecorder events;

  public ConfigEvents(EventRecorder events) {
    this.events = events;
  }

  @Override
  public void published(Publication publication) {
    for (GlobalConfig.Report report : publication.result().config().reports()) {
      if (report instanceof GlobalConfig.Report.Activated a) {
        events.record(ref(a.version()), false, "ConfigActivated",
            "version " + a.version().version() + " is now active");
      } else if (report instanceof GlobalConfig.Report.Refused r) {
        events.record(ref(r.refusal().version()), true, "ConfigRefused",
            "refused as a whole, the previous version keeps serving: "
                + String.join("; ", r.refusal().errors()));
      } else if (report instanceof GlobalConfig.Report.Warned w) {
        events.record(ref(w.version()), true, "ConfigWarning", w.warning());
      }
    }
  }

  private static RouteSource ref(ConfigVersion version) {
    return new RouteSource("ConfigMap", version.namespace(), version.configMap());
  }
}
