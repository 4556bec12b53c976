package dev.bollard.controller.concurrent;

import java.util.concurrent.ThreadFactory;

/** Thread factories for the controller's own single-purpose executors. */
public final class DaemonThreads {

  private DaemonThreads() {}

  /**
   * Daemon threads all named {@code name} (each executor that uses one has a single thread, so
   * the name says which it is in a thread dump or a log line); daemon so that none of them keeps
   * the JVM alive after {@code main} returns.
   */
  public static ThreadFactory named(String name) {
    return task -> {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      return t;
    };
  }
}
