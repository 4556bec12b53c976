package dev.bollard.controller.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Waits for SIGTERM or SIGINT, then runs a stop action on the waiting thread, so that the command
 * returns and {@code bollard run} exits 0 after a clean drain (left to the JVM, SIGTERM starts its
 * shutdown and the exit code is 143 whatever the drain did).
 *
 * <p>The signals are handled with {@code sun.misc.Signal} (module {@code jdk.unsupported}, in every
 * JDK and JRE image): the one way to keep SIGTERM from starting the JVM's shutdown. A shutdown
 * started another way (another signal, {@code System.exit} elsewhere) still runs the stop action,
 * from a shutdown hook. A second SIGTERM or SIGINT during the drain stops the JVM at once with the
 * JVM's own code (128 + the signal's number).
 */
final class Signals {

  private static final AtomicBoolean JVM_SHUTTING_DOWN = new AtomicBoolean();

  private Signals() {}

  /**
   * Whether the JVM is already shutting down (not because of SIGTERM or SIGINT, which this class
   * handles): {@code System.exit} would then block behind the shutdown hooks.
   */
  static boolean jvmShuttingDown() {
    return JVM_SHUTTING_DOWN.get();
  }

  /**
   * Takes SIGTERM and SIGINT from the JVM now, before the command reports itself ready: a signal
   * that arrives while it starts is kept and ends the wait in {@link Trap#awaitThenRun} at once
   * (left to the JVM, it would exit 143 mid-start).
   */
  static Trap trap() {
    Trap trap = new Trap();
    Signal.handle(new Signal("TERM"), trap::signalled);
    Signal.handle(new Signal("INT"), trap::signalled);
    return trap;
  }

  /** SIGTERM and SIGINT, taken from the JVM; {@link #awaitThenRun} waits for one of them. */
  static final class Trap {
    private final CountDownLatch signalled = new CountDownLatch(1);

    private Trap() {}

    private void signalled(Signal signal) {
      if (signalled.getCount() == 0 && !JVM_SHUTTING_DOWN.get()) {
        // A second signal while draining (Ctrl-C twice): stop now, as the JVM would have.
        Runtime.getRuntime().halt(128 + signal.getNumber());
      }
      signalled.countDown();
    }

    /**
     * Blocks until SIGTERM or SIGINT (or the JVM's shutdown), then runs {@code stop} once.
     *
     * @throws Exception what {@code stop} threw
     */
    void awaitThenRun(ThrowingRunnable stop) throws Exception {
      Once once = new Once(stop);
      Thread hook =
          new Thread(
              () -> {
                JVM_SHUTTING_DOWN.set(true);
                signalled.countDown();
                try {
                  once.run();
                } catch (Exception e) {
                  System.err.println("bollard: error while stopping: " + e);
                }
              },
              "bollard-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      signalled.await();
      if (JVM_SHUTTING_DOWN.get()) {
        // The hook stops the process; the JVM exits when the hooks are done.
        return;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDownNow) {
        // The hook runs the same stop, once; waiting for it here would change nothing.
      }
      once.run();
    }
  }

  /** Runs the stop action at most once, whoever asks first; a later caller waits for it. */
  private static final class Once {
    private final ThrowingRunnable action;
    private boolean done;

    Once(ThrowingRunnable action) {
      this.action = action;
    }

    synchronized void run() throws Exception {
      if (!done) {
        done = true;
        action.run();
      }
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
