package dev.bollard.controller.cli;

import dev.bollard.controller.source.ManifestDirectory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.netty.handler.ssl.OpenSsl;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Start-up work of {@code bollard run} that does not depend on the parsed options, done on a
 * thread of its own while the main thread parses the command line and builds the process: logging,
 * netty-tcnative (OpenSSL) and the transports' native libraries, fabric8's serialization for a
 * manifest directory, the JVM's management beans that the metrics bind to. Each of these is a class
 * initialisation (a native library loaded, a kernel probed, a Jackson mapper built) that the main
 * thread would otherwise do on the way to {@code /readyz}; done here first, the main thread finds
 * it done (or waits for the rest of it), so the result is the same either way.
 *
 * <p>Which parts are worth warming is guessed from the raw arguments and environment, before
 * picocli parses them: {@code --manifests} (or {@code BOLLARD_MANIFESTS}) for the manifest reader,
 * {@code --transport} (or {@code BOLLARD_TRANSPORT}) for io_uring. A wrong guess costs a library
 * loaded for nothing, never a different behaviour. Failures are ignored here: Netty's checks
 * ({@code OpenSsl}, {@code Epoll}, {@code IoUring}) record an unavailable library rather than
 * throw, and the main thread reports it where it always did.
 */
final class StartupWarmup {

  private StartupWarmup() {}

  /** The steps worth warming for this command line, in the order the main thread needs them. */
  static List<Step> plan(String[] args, Map<String, String> env) {
    List<Step> steps = new ArrayList<>();
    if (args.length == 0 || !args[0].equals("run") || Main.given("--help", args)
        || Main.given("-h", args) || Main.given("--version", args) || Main.given("-V", args)) {
      return steps;
    }
    steps.add(Step.LOGGING);
    if (Main.given("--manifests", args) || !env.getOrDefault("BOLLARD_MANIFESTS", "").isBlank()) {
      steps.add(Step.MANIFESTS);
    }
    steps.add(Step.MANAGEMENT);
    steps.add(Step.OPENSSL);
    String transport = Main.typedValue("--transport", args);
    if (transport == null) {
      transport = env.getOrDefault("BOLLARD_TRANSPORT", "auto");
    }
    transport = transport.strip().toLowerCase(Locale.ROOT);
    if (!transport.equals("nio")) {
      // The admin and health listeners take epoll whatever the proxy's transport.
      steps.add(Step.EPOLL);
    }
    if (transport.equals("auto") || transport.equals("io_uring")) {
      steps.add(Step.IO_URING);
    }
    return steps;
  }

  /**
   * Starts warming what {@code args} will need on a daemon thread; returns it (not started when
   * there is nothing to warm).
   */
  static Thread begin(String[] args, Map<String, String> env) {
    List<Step> steps = plan(args, env);
    Thread thread = new Thread(() -> run(steps), "bollard-warmup");
    thread.setDaemon(true);
    if (!steps.isEmpty()) {
      thread.start();
    }
    return thread;
  }

  private static void run(List<Step> steps) {
    for (Step step : steps) {
      try {
        step.warm();
      } catch (Throwable ignored) {
        // Met again, and reported, where the main thread needs it.
      }
    }
  }

  /** One piece of start-up to do ahead of the main thread. */
  enum Step {
    /** Logback's set-up ({@link LogSetup}), done on the first logger. */
    LOGGING {
      @Override
      void warm() {
        LoggerFactory.getILoggerFactory();
      }
    },
    /** The manifest reader and its fabric8/Jackson serialization. */
    MANIFESTS {
      @Override
      void warm() throws ClassNotFoundException {
        Class.forName(ManifestDirectory.class.getName(), true,
            ManifestDirectory.class.getClassLoader());
      }
    },
    /** The platform beans the JVM metrics read (memory, GC, threads, classes, CPU). */
    MANAGEMENT {
      @Override
      void warm() {
        ManagementFactory.getMemoryMXBean();
        ManagementFactory.getGarbageCollectorMXBeans();
        ManagementFactory.getThreadMXBean();
        ManagementFactory.getClassLoadingMXBean();
        ManagementFactory.getOperatingSystemMXBean();
      }
    },
    /** netty-tcnative: the native library and OpenSSL's probing of ciphers and protocols. */
    OPENSSL {
      @Override
      void warm() {
        OpenSsl.isAvailable();
      }
    },
    /** The epoll transport's native library. */
    EPOLL {
      @Override
      void warm() {
        Epoll.isAvailable();
      }
    },
    /** The io_uring transport's native library and its kernel probe. */
    IO_URING {
      @Override
      void warm() {
        IoUring.isAvailable();
      }
    };

    abstract void warm() throws Exception;
  }
}
