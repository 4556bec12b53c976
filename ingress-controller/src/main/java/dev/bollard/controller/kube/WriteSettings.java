package dev.bollard.controller.kube;

import java.time.Duration;

/**
 * How the leader writes to the API server: the most Ingress status and Event writes a second (each
 * writer has its own thread and bound; 0 for no bound), and how long a translation problem must
 * last before it becomes an Event ({@link ProblemEvents}).
 *
 * @param statusWritesPerSecond {@code --status-writes-per-second}
 * @param eventWritesPerSecond {@code --event-writes-per-second}
 * @param problemEventDelay {@code --problem-event-delay}
 */
public record WriteSettings(
    double statusWritesPerSecond, double eventWritesPerSecond, Duration problemEventDelay) {

  public WriteSettings {
    if (statusWritesPerSecond < 0) {
      throw new IllegalArgumentException(
          "statusWritesPerSecond: " + statusWritesPerSecond + " (expected: >= 0)");
    }
    if (eventWritesPerSecond < 0) {
      throw new IllegalArgumentException(
          "eventWritesPerSecond: " + eventWritesPerSecond + " (expected: >= 0)");
    }
    if (problemEventDelay.isNegative()) {
      throw new IllegalArgumentException(
          "problemEventDelay: " + problemEventDelay + " (expected: >= 0)");
    }
  }
}
