package dev.bollard.controller.publish;

import dev.bollard.controller.settings.GlobalConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the config verdict's transitions of each published result, one line each: a version in
 * force, refused, warned about, or none in force. On every replica (Events are the leader's).
 */
public final class ConfigReportLog implements SnapshotPublisher.Listener {

  // Under GlobalConfig's name, where these lines were before resolving became pure: log filters
  // that users set for it keep working.
  private static final Logger log = LoggerFactory.getLogger(GlobalConfig.class);

  @Override
  public void published(Publication publication) {
    for (GlobalConfig.Report report : publication.result().config().reports()) {
      if (report.isWarning()) {
        log.warn("Global config {}: {}", report.family(), report.text());
      } else {
        log.info("Global config {}: {}", report.family(), report.text());
      }
    }
  }
}
