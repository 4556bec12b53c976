package dev.bollard.controller.cli;

import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.proxy.server.ServerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A standalone Bollard for end-to-end tests: the manifests of one directory, proxy and admin
 * listeners on loopback ports the system picks, no echo backend, and reloads 50 ms after a change
 * (500 ms at most), so a test that rewrites a manifest waits little.
 *
 * <p>A JUnit extension that closes what it started: register it as {@code @RegisterExtension final
 * StandaloneFixture bollard = new StandaloneFixture();} (or {@code static}, for a Bollard started
 * in {@code @BeforeAll}). A Bollard started in a test or its {@code @BeforeEach} is closed right
 * after the test method, before the test's own {@code @AfterEach} methods run (so it is down before
 * they close its backends), or after them if a {@code @BeforeEach} failed; one started in {@code
 * @BeforeAll} is closed after the {@code @AfterAll} methods.
 */
final class StandaloneFixture
    implements BeforeEachCallback, AfterTestExecutionCallback, AfterEachCallback,
        AfterAllCallback {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** Started outside any test (in {@code @BeforeAll}): closed after all of them. */
  private final Deque<ProxyProcess> forClass = new ArrayDeque<>();
  /** Started by the running test or its {@code @BeforeEach}: closed when it ends. */
  private final Deque<ProxyProcess> forTest = new ArrayDeque<>();
  private boolean inTest;

  /** The settings {@link #start(Path)} uses, for tests that vary or restart them. */
  static StandaloneSettings settings(Path manifests) {
    return settings(manifests, null);
  }

  /** {@link #settings(Path)} with the demo echo backend listening on {@code echo} (or none). */
  static StandaloneSettings settings(Path manifests, @Nullable InetSocketAddress echo) {
    return new StandaloneSettings(manifests,
        ServerSettings.defaults(new InetSocketAddress(LOOPBACK, 0)),
        new InetSocketAddress(LOOPBACK, 0), IngressClassSelection.defaults(), echo,
        Duration.ofMillis(50), Duration.ofMillis(500));
  }

  /** Starts Bollard on {@code manifests}. */
  ProxyProcess start(Path manifests) throws InterruptedException {
    return start(manifests, UnaryOperator.identity());
  }

  /** Starts Bollard on {@code manifests} with process settings changed by {@code process}. */
  ProxyProcess start(Path manifests, UnaryOperator<ProcessSettings> process)
      throws InterruptedException {
    return start(settings(manifests), process);
  }

  /** Starts Bollard with {@code settings} (e.g. {@link #settings(Path)} varied). */
  ProxyProcess start(StandaloneSettings settings) throws InterruptedException {
    return start(settings, UnaryOperator.identity());
  }

  /** Starts Bollard with {@code settings}, its process settings changed by {@code process}. */
  ProxyProcess start(StandaloneSettings settings, UnaryOperator<ProcessSettings> process)
      throws InterruptedException {
    ProxyProcess runtime = ProxyProcess.start(settings.source(), process.apply(settings.process()));
    (inTest ? forTest : forClass).push(runtime);
    return runtime;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    inTest = true;
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    closeAll(forTest);
  }

  /** Runs also when a {@code @BeforeEach} failed, which skips {@link #afterTestExecution}. */
  @Override
  public void afterEach(ExtensionContext context) {
    inTest = false;
    closeAll(forTest);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeAll(forTest);
    closeAll(forClass);
  }

  /** Closes the latest started first; {@link ProxyProcess#close} is idempotent. */
  private static void closeAll(Deque<ProxyProcess> started) {
    while (!started.isEmpty()) {
      started.pop().close();
    }
  }
}
