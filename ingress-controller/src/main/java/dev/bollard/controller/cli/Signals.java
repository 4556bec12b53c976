package dev.bollard.controller.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** Waits for SIGTERM/SIGINT (the JVM's shutdown) and runs a stop action before the JVM exits. */
final class Signals {

  private static final AtomicBoolean STOPPED_BY_SIGNAL = new AtomicBoolean();

  private Signals() {}

  /** Whether the JVM is shutting down because of a signal this class waited for. */
  static boolean stoppedBySignal() {
    return STOPPED_BY_SIGNAL.get();
  }

  /** Blocks until the JVM begins shutting down, then runs {@code stop} inside the shutdown hook. */
  static void awaitShutdown(ThrowingRunnable stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              STOPPED_BY_SIGNAL.set(true);
              try {
                stop.run();
              } catch (Exception e) {
                System.err.println("bollard: error while stopping: " + e);
              } finally {
                stopped.countDown();
              }
            },
            "bollard-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
