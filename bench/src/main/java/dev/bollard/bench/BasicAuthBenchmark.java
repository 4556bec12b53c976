package dev.bollard.bench;

import dev.bollard.auth.AuthResult;
import dev.bollard.auth.BasicAuthenticator;
import dev.bollard.auth.CredentialSet;
import dev.bollard.auth.Htpasswd;
import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.BasicAuthPolicy;
import dev.bollard.proxy.guard.GuardVerdict;
import dev.bollard.proxy.guard.RequestGuard;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a guarded request costs the event loop once the credentials are cached: {@link
 * BasicAuthenticator#verify} with the {@code Authorization} header a browser repeats on every
 * request. The first verification (bcrypt, tens of milliseconds) runs in {@code @Setup}; every
 * measured call must be answered from the cache, already complete, or the trial fails.
 *
 * <p>{@link #cachedVerify} is the auth module alone; {@link #guardCheck} is the whole decision
 * the proxy's guard step asks for ({@link RequestGuard#check}: path normalisation, exemptions, the
 * verification and the verdict).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BasicAuthBenchmark {

  /** {@code preview:preview}, bcrypt cost 10 (examples/preview-guard.yaml). */
  private static final String HTPASSWD =
      "preview:$2y$10$2epkbpJuoqorlxhqCjvkte0jnwU55/McfTW16IovLS04nIDG.yhi6\n";
  private static final String HEADER = "Basic cHJldmlldzpwcmV2aWV3";

  private ExecutorService executor;
  private BasicAuthenticator authenticator;
  private CredentialSet set;
  private RequestGuard guard;
  private BasicAuthPolicy policy;
  private final InetAddress client = InetAddress.getLoopbackAddress();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    executor = Executors.newFixedThreadPool(1);
    authenticator = BasicAuthenticator.builder(executor).build();
    set = Htpasswd.parse(HTPASSWD, "benchmark htpasswd");
    AuthResult first = authenticator.verify(set, HEADER, client).get(30, TimeUnit.SECONDS);
    if (!first.granted()) {
      throw new IllegalStateException("the benchmark credentials were refused: " + first);
    }
    long hashes = authenticator.stats().hashComputations();
    if (!authenticator.verify(set, HEADER, client).isDone()
        || authenticator.stats().hashComputations() != hashes) {
      throw new IllegalStateException("the second verification was not answered from the cache");
    }
    guard = RequestGuard.using(authenticator);
    policy = BasicAuthPolicy.of("benchmark", "Preview", set);
    if (!(guardCheck() instanceof GuardVerdict.Pass)) {
      throw new IllegalStateException("the guard did not pass the cached credentials at once");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    executor.shutdownNow();
  }

  @Benchmark
  public AuthResult cachedVerify() {
    return authenticator.verify(set, HEADER, client).getNow(null);
  }

  @Benchmark
  public GuardVerdict guardCheck() {
    return guard.check(policy, AuthSettings.NONE, "/1k", "/1k", HEADER, client).getNow(null);
  }
}
